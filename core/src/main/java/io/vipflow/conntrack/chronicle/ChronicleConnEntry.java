package io.vipflow.conntrack.chronicle;

/**
 * The value of a {@link ChronicleConnTable} entry as a Chronicle Values interface: 24 bytes. Times are
 * nanoseconds on the table's clock (epoch nanoseconds for a table that outlives its process).
 */
public interface ChronicleConnEntry
{
    int getBackendId();

    void setBackendId(int value);

    /** {@return a {@code ConnState} constant} */
    int getState();

    void setState(int value);

    long getExpiryNanos();

    void setExpiryNanos(long value);

    long getCreatedNanos();

    void setCreatedNanos(long value);
}
