package io.vipflow.conntrack.chronicle;

/**
 * The key of a {@link ChronicleConnTable} entry as a Chronicle Values interface: 40 bytes, the same words as a
 * {@code ConnTable} slot's key (addresses as two longs each, then family+protocol(9) srcPort(16) dstPort(16) in
 * {@link #getPorts}). Chronicle generates the heap and off-heap implementations, so a reused instance costs no
 * allocation per lookup.
 */
public interface ChronicleFlowKey
{
    long getSrcHi();

    void setSrcHi(long value);

    long getSrcLo();

    void setSrcLo(long value);

    long getDstHi();

    void setDstHi(long value);

    long getDstLo();

    void setDstLo(long value);

    /** {@return family+protocol in bits 40..32, source port in bits 31..16, destination port in bits 15..0} */
    long getPorts();

    void setPorts(long value);
}
