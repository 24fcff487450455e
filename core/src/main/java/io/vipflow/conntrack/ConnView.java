package io.vipflow.conntrack;

/**
 * What one read of an entry saw: the slot, the header (with its version) and the value words. Owned by one
 * thread and reused; pass it back to {@link ConnTable#update} or {@link ConnTable#delete}, which succeed only
 * if the entry is still the one that was read.
 */
public final class ConnView
{
    int slot;
    int headerIndex;
    long header;
    long meta;
    long expiryNanos;
    long createdNanos;

    void set(final int slot, final int headerIndex, final long header, final long meta, final long expiryNanos,
        final long createdNanos)
    {
        this.slot = slot;
        this.headerIndex = headerIndex;
        this.header = header;
        this.meta = meta;
        this.expiryNanos = expiryNanos;
        this.createdNanos = createdNanos;
    }

    /** The backend id stored with the entry. */
    public int backendId()
    {
        return ConnSlots.backendOf(meta);
    }

    /** The entry's {@link ConnState}. */
    public int state()
    {
        return ConnSlots.stateOf(meta);
    }

    /** When the entry expires unless refreshed, in the caller's clock (nanoseconds). */
    public long expiryNanos()
    {
        return expiryNanos;
    }

    /** When the entry was created, in the caller's clock (nanoseconds). */
    public long createdNanos()
    {
        return createdNanos;
    }
}
