package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.FrameParser;
import io.vipflow.packet.LinkType;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.ServicePort;
import org.agrona.DirectBuffer;

/**
 * The classify steps every baseline shares, with vipflow's own parser, frontend table and schedulers; a subclass
 * supplies the flow table. It does less than vipflow's {@code Classifier} (no statistics, no connection counts, no
 * mid-flow, removed-backend, reuse or admission policies), so the comparison, if anything, flatters the baselines.
 * A batch is classified one frame after another: these maps offer no way to issue several probes' loads before
 * using any of them. Owned by one thread.
 */
abstract class MapLane implements Pipeline.Lane
{
    private final ControlPlane controlPlane;
    final ConnTimeouts timeouts;
    private final PacketTuple tuple = new PacketTuple();
    private final FlowKey key = new FlowKey();
    private boolean created;

    MapLane(final ControlPlane controlPlane, final ConnTimeouts timeouts)
    {
        this.controlPlane = controlPlane;
        this.timeouts = timeouts;
    }

    /**
     * The live entry's backend after moving the entry to the state this packet leads to and restarting its timer,
     * or -1 when the table holds no live entry for the key.
     */
    abstract int refresh(FlowKey key, int tcpFlags, long nowNanos);

    /**
     * Inserts an entry for a key that has no live one (replacing an expired entry of the key). When another thread
     * created the flow first, returns that entry's backend; -1 when the table refused.
     */
    abstract int create(FlowKey key, int backendId, int state, long expiryNanos, long nowNanos);

    /** The state a packet with these flags moves {@code state} to (UDP and SCTP entries keep theirs). */
    static int next(final int state, final int tcpFlags)
    {
        return state < ConnState.TCP_STATE_COUNT ? ConnState.tcpNext(state, tcpFlags) : state;
    }

    /** Marks a successful insertion, for {@link #created()}. */
    final int inserted(final int backendId)
    {
        created = true;
        return backendId;
    }

    @Override
    public final int classifyFrame(final DirectBuffer buffer, final int offset, final int length, final long nowNanos)
    {
        created = false;
        final PacketTuple t = tuple;
        if (FrameParser.parse(buffer, offset, length, length, LinkType.ETHERNET, t) != FrameParser.OK)
        {
            return -1;
        }
        final Frontend frontend = controlPlane.current().frontends.lookup(t.ipv6, t.dstHi, t.dstLo, t.dstPort,
            t.protocol);
        if (frontend == null || !frontend.admits(t.srcHi, t.srcLo))
        {
            return -1;
        }
        final FlowKey k = key.setFrom(t);
        final ServicePort sp = frontend.target;
        final int known = refresh(k, t.flags, nowNanos);
        if (known >= 0 && sp.backend(known) != null)
        {
            return known;
        }
        final Backend chosen = sp.setFor(frontend.kind.external).pick(t, k.hash);
        if (chosen == null)
        {
            return -1;
        }
        final int state = t.protocol == PacketTuple.PROTO_TCP ? ConnState.tcpNext(ConnState.NONE, t.flags) :
            (t.protocol == PacketTuple.PROTO_UDP ? ConnState.UDP : ConnState.SCTP);
        return create(k, chosen.id, state, nowNanos + timeouts.nanos(state), nowNanos);
    }

    @Override
    public final int classifyFrames(final DirectBuffer buffer, final int[] offsets, final int[] lengths,
        final int count, final long nowNanos)
    {
        int sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += classifyFrame(buffer, offsets[i], lengths[i], nowNanos);
        }
        return sum;
    }

    @Override
    public final boolean created()
    {
        return created;
    }
}
