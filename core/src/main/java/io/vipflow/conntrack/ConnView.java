package io.vipflow.conntrack;

/**
 * What one read of an entry saw: the slot, the header (with its version), the meta word and the backend. Owned
 * by one thread and reused; pass it back to {@link ConnTable#update} or {@link ConnTable#delete}, which succeed
 * only if the entry is still the one that was read.
 * <p>
 * A view also remembers its thread's last conversions of times to milliseconds ({@link MillisMemo}), in plain
 * fields: a view that moves to another thread must move with a happens-before edge (a queue, a lock, a thread
 * start), as any object without synchronisation of its own.
 */
public final class ConnView
{
    int slot;
    int headerIndex;
    long header;
    long meta;
    int backendId;
    long createdNanos;
    /** A word a lookup loaded only to bring its line into the cache early, kept here so the load stays. */
    @SuppressWarnings("unused")
    long touched;
    /** Where a new entry for the key of the last lookup that missed would go; see {@link Placement}. */
    final Placement placement = new Placement();
    /** Packet times in milliseconds, for the expiry check of a lookup. */
    final MillisMemo nowMillis = new MillisMemo();
    /** Deadlines in milliseconds, for {@link #keeps}. */
    private final MillisMemo deadlineMillis = new MillisMemo();
    /**
     * Set by {@link ConnTable#getOrCreate} when it removed an entry to take its way for the new one (the key's own
     * expired entry, or an eviction's victim); the entry's backend, last state and removal cause follow. Once the
     * call returns, true only with {@link ConnTable#CREATED}: see {@link #replaced()}.
     */
    boolean replaced;
    int replacedBackendId;
    int replacedState;
    int replacedCause;

    void set(final int slot, final int headerIndex, final long header, final long meta, final int backendId,
        final long createdNanos)
    {
        this.slot = slot;
        this.headerIndex = headerIndex;
        this.header = header;
        this.meta = meta;
        this.backendId = backendId;
        this.createdNanos = createdNanos;
    }

    /** {@return the backend id stored with the entry} */
    public int backendId()
    {
        return backendId;
    }

    /** {@return the entry's {@link ConnState}} */
    public int state()
    {
        return ConnSlots.stateOf(meta);
    }

    /**
     * {@return when the entry expires unless refreshed, in the caller's clock (nanoseconds, millisecond resolution)}
     */
    public long expiryNanos()
    {
        return ConnSlots.expiryNanos(meta, createdNanos);
    }

    /**
     * True when {@link ConnTable#update} of this view to {@code state} and {@code expiryNanos} (with the view's own
     * backend) would write nothing: the entry as read is already in that state, and its deadline already that
     * millisecond. Reads the view only, never the table.
     *
     * @param state       the state the entry would move to
     * @param expiryNanos the deadline it would get, on the table's clock
     * @return true when both equal what the view read
     */
    public boolean unchangedBy(final int state, final long expiryNanos)
    {
        return ConnSlots.stateOf(meta) == state && (meta & ConnSlots.EXPIRY_MASK) == ConnSlots.toMillis(expiryNanos);
    }

    /**
     * True when a packet that would restart the entry's timer in {@code state} to {@code expiryNanos} need not write
     * it: the entry as read is already in that state, and its deadline (rounded up to the millisecond, as stored) is
     * no earlier. With the deadlines the table is given by {@link ConnTimeouts#refreshedDeadline}, that is the
     * refresh grain. Reads the view only, never the table.
     *
     * @param state       the state the entry would move to
     * @param expiryNanos the packet's time plus the state's timeout, on the table's clock
     * @return true when the entry keeps its state and deadline
     */
    public boolean keeps(final int state, final long expiryNanos)
    {
        // Remembered: the deadlines of one thread's packets mostly fall in one millisecond.
        return ConnSlots.stateOf(meta) == state &&
            ConnSlots.millisAheadOf(meta, deadlineMillis.ceilMillis(expiryNanos)) <= 0;
    }

    /**
     * {@return after a {@link ConnTable#getOrCreate} that returned {@link ConnTable#CREATED}: whether the new entry took
     * the way of an entry that call removed} The table then reported the removal to
     * {@link ConnTable.RemovalListener#onReplaced}, and {@link #replacedBackendId()} and {@link #replacedState()}
     * describe the removed entry, so that the creator can account for the pair as one change.
     * @hidden
     */
    public boolean replaced()
    {
        return replaced;
    }

    /**
     * {@return the backend of the entry a creating {@link ConnTable#getOrCreate} replaced (see {@link #replaced()})}
     * @hidden
     */
    public int replacedBackendId()
    {
        return replacedBackendId;
    }

    /**
     * {@return the last state of the entry a creating {@link ConnTable#getOrCreate} replaced (see {@link #replaced()})}
     * @hidden
     */
    public int replacedState()
    {
        return replacedState;
    }

    /** {@return when the entry was created, in the caller's clock (nanoseconds)} */
    public long createdNanos()
    {
        return createdNanos;
    }
}
