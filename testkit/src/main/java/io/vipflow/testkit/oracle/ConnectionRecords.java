package io.vipflow.testkit.oracle;

import io.vipflow.conntrack.ConnState;
import java.util.HashMap;
import java.util.Map;

/**
 * The model's connection entries (docs/SEMANTICS.md §3) and session-affinity records (§5): two HashMaps of
 * records with absolute expiry times. An entry whose expiry is at or before "now" does not exist.
 * <p>
 * A backend is identified by its name plus an incarnation number: a backend that leaves the slices and comes
 * back later is a new incarnation, and flows of the old one count as removed (§4: "its flows must never
 * reach it again").
 */
final class ConnectionRecords
{
    /**
     * One connection entry.
     *
     * @param portKey     the Service port (and family) the flow was scheduled for
     * @param backend     backend name
     * @param incarnation backend incarnation at scheduling time
     * @param state       a TCP state, {@code ConnState.UDP} or {@code ConnState.SCTP}
     * @param expiry      absolute expiry, nanoseconds
     */
    record Conn(String portKey, String backend, long incarnation, int state, long expiry)
    {
    }

    /**
     * One ClientIP affinity record: the backend of the client's last new connection to a Service port.
     *
     * @param backend     backend name
     * @param incarnation backend incarnation
     * @param expiry      time of that connection plus the affinity timeout
     */
    record Affinity(String backend, long incarnation, long expiry)
    {
    }

    /** Records held before the first purge of expired ones: a short run keeps them all (path statistics). */
    static final int PURGE_FLOOR = 1 << 16;

    private final Map<String, Conn> connections = new HashMap<>();
    private final Map<String, Affinity> affinities = new HashMap<>();
    // Flows whose latest packet moved them into ESTABLISHED from a state the table may evict: a concurrent
    // eviction can have removed the table's entry just before that packet's update, which then finds it gone.
    private final java.util.Set<String> establishedByLastPacket = new java.util.HashSet<>();
    // Records held after the last purge; the next runs when twice as many are held, so each record costs O(1)
    // amortised and the maps hold at most about twice the live records (or the floor).
    private int heldAfterPurge;

    /** §3: a flow is keyed by (protocol, client address, client port, frontend address, frontend port). */
    static String flowKey(final int protocol, final String src, final int srcPort, final String dst,
        final int dstPort)
    {
        return protocol + " " + src + " " + srcPort + " " + dst + " " + dstPort;
    }

    /** The live entry of a flow, or null when there is none or it has expired. */
    Conn liveConnection(final String flowKey, final long nowNanos)
    {
        final Conn c = connections.get(flowKey);
        return c != null && c.expiry() > nowNanos ? c : null;
    }

    /** True when the flow has an entry that has expired (for path statistics only). */
    boolean hasExpiredConnection(final String flowKey, final long nowNanos)
    {
        final Conn c = connections.get(flowKey);
        return c != null && c.expiry() <= nowNanos;
    }

    void putConnection(final String flowKey, final Conn conn)
    {
        connections.put(flowKey, conn);
        establishedByLastPacket.remove(flowKey);
    }

    /** {@link #putConnection} for a packet that moved the flow from {@code previousState} to the record's state. */
    void putConnection(final String flowKey, final Conn conn, final int previousState)
    {
        putConnection(flowKey, conn);
        if (conn.state() == ConnState.ESTABLISHED && previousState != ConnState.ESTABLISHED)
        {
            establishedByLastPacket.add(flowKey);
        }
    }

    /**
     * Whether the connection table may no longer hold the flow's entry although the model does: it evicts every
     * state but ESTABLISHED, and an entry that became ESTABLISHED on the latest packet may have been evicted
     * while that packet was being classified.
     */
    boolean mayBeEvicted(final String flowKey, final Conn conn)
    {
        return conn.state() != ConnState.ESTABLISHED || establishedByLastPacket.contains(flowKey);
    }

    void removeConnection(final String flowKey)
    {
        connections.remove(flowKey);
        establishedByLastPacket.remove(flowKey);
    }

    /**
     * Forgets expired records, as the classifier's sweeper removes expired entries, once the maps have doubled
     * since the last purge. An expired record decides nothing (a packet finds no entry either way); only the
     * path statistics tell an expired entry from none, so short runs, below {@link #PURGE_FLOOR}, keep them.
     */
    void forgetExpiredIfGrown(final long nowNanos)
    {
        final int held = held();
        if (held < Math.max(PURGE_FLOOR, 2L * heldAfterPurge))
        {
            return;
        }
        connections.values().removeIf(c -> c.expiry() <= nowNanos);
        affinities.values().removeIf(a -> a.expiry() <= nowNanos);
        establishedByLastPacket.retainAll(connections.keySet());
        heldAfterPurge = held();
    }

    /**
     * Connection sync: takes a live entry of {@code other} for every flow that has no live entry here (an entry
     * made here wins), passed through {@code translate}.
     */
    void adoptLive(final ConnectionRecords other, final long nowNanos, final java.util.function.UnaryOperator<Conn>
        translate)
    {
        for (final Map.Entry<String, Conn> e : other.connections.entrySet())
        {
            if (e.getValue().expiry() > nowNanos && liveConnection(e.getKey(), nowNanos) == null)
            {
                connections.put(e.getKey(), translate.apply(e.getValue()));
            }
        }
    }

    /** Connection and affinity records held. */
    int held()
    {
        return connections.size() + affinities.size();
    }

    /** Live connection entries right now (expired ones excluded). */
    int liveConnections(final long nowNanos)
    {
        int n = 0;
        for (final Conn c : connections.values())
        {
            if (c.expiry() > nowNanos)
            {
                n++;
            }
        }
        return n;
    }

    /** §5: the client's record for a Service port, or null when there is none or it has expired. */
    Affinity liveAffinity(final String client, final String portKey, final long nowNanos)
    {
        final Affinity a = affinities.get(client + " " + portKey);
        return a != null && a.expiry() > nowNanos ? a : null;
    }

    /** §5: remember the backend of a new connection; the timer restarts with each new connection. */
    void remember(final String client, final String portKey, final Affinity affinity)
    {
        affinities.put(client + " " + portKey, affinity);
    }
}
