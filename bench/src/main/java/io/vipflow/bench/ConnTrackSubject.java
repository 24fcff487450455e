package io.vipflow.bench;

import io.vipflow.conntrack.FlowKey;

/**
 * One connection-table implementation under benchmark, holding {@link ConnTrackFlows}. The table is shared by
 * the benchmark threads; each thread gets its own {@link Ops} (views, reusable keys).
 */
abstract class ConnTrackSubject implements AutoCloseable
{
    static final int BACKENDS = 100;

    /** Per-thread access to the table. Owned by one thread. */
    interface Ops
    {
        /** Backend of the live entry for the key, or -1 when there is none. */
        int lookup(FlowKey key, long nowNanos);

        /**
         * Creates an entry for a key the table does not hold, then deletes it: the table's load stays the same.
         *
         * @return the new entry's backend, or -1 when it could not be created
         */
        int createThenDelete(FlowKey key, int backendId, long expiryNanos, long nowNanos);

        /** Creates an entry; false if the table refused it (full, or a hash collision). */
        boolean create(FlowKey key, int backendId, long expiryNanos, long nowNanos);
    }

    abstract Ops ops();

    /** Removes every entry expired at {@code nowNanos}, visiting the whole table once; returns a by-product. */
    abstract int sweep(long nowNanos);

    /** Live entries, by a full count: for checks outside the measured code. */
    abstract long size();

    /** Creates every resident flow with the given expiry; fails if any is refused. */
    final void fill(final ConnTrackFlows flows, final long expiryNanos, final long nowNanos)
    {
        final Ops ops = ops();
        final FlowKey key = new FlowKey();
        for (int i = 0; i < flows.count; i++)
        {
            key.set(ConnTrackFlows.PROTOCOL, 0, flows.srcLo[i], flows.srcPort[i], 0, ConnTrackFlows.VIP,
                ConnTrackFlows.VIP_PORT);
            if (!ops.create(key, i % BACKENDS, expiryNanos, nowNanos))
            {
                throw new IllegalStateException(getClass().getSimpleName() + " refused resident flow " + i);
            }
        }
    }

    @Override
    public abstract void close();

    static ConnTrackSubject create(final String impl, final int capacity)
    {
        switch (impl)
        {
            case "ConnTable": return new ConnTrackSubjects.VipflowTable(capacity, false);
            case "ConnTable.mapped": return new ConnTrackSubjects.VipflowTable(capacity, true);
            case "ChronicleConnTable": return new ConnTrackSubjects.Chronicle(capacity);
            case "ConcurrentHashMap": return new ConnTrackSubjects.RecordMap(capacity);
            case "NonBlockingHashMapLong": return new ConnTrackSubjects.HashKeyedMap(capacity);
            default: throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }
}
