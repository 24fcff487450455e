package io.vipflow.internal;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;

/**
 * ClientIP session affinity (docs/SEMANTICS.md §5; IPVS persistence with a /32 or /128 mask under kube-proxy): the
 * backend of a client's last new connection to a Service port, remembered until {@code timeout} after that
 * connection. The timer restarts on each new connection, not on each packet.
 * <p>
 * Backed by its own off-heap {@link ConnTable}, keyed by (client address, Service port id). Any thread; the
 * caller supplies the scratch key and view (one per thread).
 */
public final class AffinityTable implements AutoCloseable
{
    /** Protocol number in affinity keys: reserved by IANA, so no packet tuple uses it. */
    private static final int AFFINITY_PROTOCOL = 255;

    private final ConnTable table;

    public AffinityTable(final int capacity)
    {
        this.table = new ConnTable(capacity);
    }

    /**
     * @return the remembered backend id, or 0 when the client has no unexpired record for this Service port
     */
    public int lookup(final long clientHi, final long clientLo, final int servicePortId, final long nowNanos,
        final FlowKey scratch, final ConnView view)
    {
        scratch.set(AFFINITY_PROTOCOL, clientHi, clientLo, 0, 0, servicePortId, 0);
        return table.lookup(scratch, nowNanos, view) ? view.backendId() : 0;
    }

    /** Records a new connection of the client to {@code backendId}, restarting the timer. */
    public void remember(final long clientHi, final long clientLo, final int servicePortId, final int backendId,
        final long nowNanos, final long timeoutNanos, final FlowKey scratch, final ConnView view)
    {
        scratch.set(AFFINITY_PROTOCOL, clientHi, clientLo, 0, 0, servicePortId, 0);
        final long expiry = nowNanos + timeoutNanos;
        final int result = table.getOrCreate(scratch, backendId, ConnState.AFFINITY, expiry, nowNanos, view);
        if (result == ConnTable.EXISTING)
        {
            table.update(view, backendId, ConnState.AFFINITY, expiry);
        }
    }

    /** {@return entries expired by a bounded expiry pass; see {@link ConnTable#expire}} */
    public int expire(final int fromSlot, final int maxSlots, final long nowNanos)
    {
        return table.expire(fromSlot, maxSlots, nowNanos);
    }

    @Override
    public void close()
    {
        table.close();
    }
}
