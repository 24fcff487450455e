package io.vipflow;

import io.vipflow.affinity.AffinityTable;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.FrameParser;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.BackendSet;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.ServicePort;
import io.vipflow.service.Snapshot;
import org.agrona.DirectBuffer;

/**
 * The data plane: decides what happens to each packet addressed to a Service.
 * <p>
 * Thread contract: any number of threads may call {@code classify*} at once, each with its own
 * {@link Decision}. There are no locks and no allocation per packet. Each call reads the control plane's
 * current {@link Snapshot} once and decides against that snapshot only. Connection and affinity entries live
 * in off-heap tables shared by all threads; creating a flow's entry is atomic, so two packets of one new flow
 * racing on two threads get the same backend.
 * <p>
 * Times are nanoseconds on the caller's clock: packet capture time for a replay, {@link System#nanoTime()}
 * for live traffic. The clock must not go backwards by more than the shortest timeout.
 */
public final class Classifier implements AutoCloseable
{
    private final ControlPlane controlPlane;
    private final ClassifierConfig config;
    private final ConnTable connections;
    private final AffinityTable affinity;

    public Classifier(final ControlPlane controlPlane, final ClassifierConfig config)
    {
        this.controlPlane = controlPlane;
        this.config = config;
        this.connections = new ConnTable(config.connectionCapacity());
        this.affinity = new AffinityTable(config.affinityCapacity());
    }

    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    /** The connection table, for tools, sweepers and tests. */
    public ConnTable connections()
    {
        return connections;
    }

    public AffinityTable affinity()
    {
        return affinity;
    }

    /**
     * Parses a frame and classifies it. A frame that is truncated or inconsistent is a DROP with reason
     * {@code malformed}; a frame that carries no IP packet is a PASS.
     *
     * @param capturedLength bytes present in the buffer
     * @param wireLength     the frame's length on the wire (larger than captured when a snap length cut it)
     * @param linkType       pcap LINKTYPE_ number (1 Ethernet, 101 raw IP, 113 and 276 Linux cooked)
     */
    public void classifyFrame(final DirectBuffer buffer, final int offset, final int capturedLength,
        final int wireLength, final int linkType, final long nowNanos, final Decision d)
    {
        final int status = FrameParser.parse(buffer, offset, capturedLength, wireLength, linkType, d.tuple);
        if (status == FrameParser.OK)
        {
            classify(d.tuple, nowNanos, d);
            return;
        }
        d.reset();
        d.parsed = false;
        if (status == FrameParser.NOT_IP)
        {
            d.set(Verdict.PASS, Reason.NONE);
        }
        else
        {
            d.set(Verdict.DROP, status == FrameParser.UNSUPPORTED_LINK ? Reason.UNSUPPORTED_LINK : Reason.MALFORMED);
        }
    }

    /** Classifies an already-parsed packet. {@code t} may be {@code d.tuple}. */
    public void classify(final PacketTuple t, final long nowNanos, final Decision d)
    {
        d.reset();
        final Snapshot snapshot = controlPlane.current();
        final Frontend frontend = snapshot.frontends.lookup(t.dstHi, t.dstLo, t.dstPort, t.protocol);
        if (frontend == null)
        {
            return;
        }
        final ServicePort sp = frontend.target;
        d.frontend = frontend;
        d.servicePort = sp;
        if (!frontend.admits(t.srcHi, t.srcLo))
        {
            d.set(Verdict.DROP, Reason.SOURCE_RANGE);
            return;
        }
        final boolean tcp = t.protocol == PacketTuple.PROTO_TCP;
        final boolean opensFlow = opensFlow(t, tcp);
        final FlowKey key = d.key.setFrom(t);
        final ConnView view = d.view;
        if (connections.lookup(key, nowNanos, view))
        {
            if (continueFlow(t, tcp, opensFlow, frontend, sp, nowNanos, d))
            {
                return;
            }
        }
        newFlow(t, tcp, opensFlow, frontend, sp, nowNanos, d);
    }

    /** TCP SYN without RST, SCTP INIT, or any UDP packet may create an entry (SEMANTICS.md §3). */
    private static boolean opensFlow(final PacketTuple t, final boolean tcp)
    {
        if (tcp)
        {
            return (t.flags & (PacketTuple.TCP_SYN | PacketTuple.TCP_RST)) == PacketTuple.TCP_SYN;
        }
        if (t.protocol == PacketTuple.PROTO_SCTP)
        {
            return (t.flags & PacketTuple.SCTP_INIT) != 0;
        }
        return true;
    }

    /**
     * A packet of a flow with a live entry. Returns false when the entry had to be let go and the packet is to
     * be scheduled as a new flow.
     */
    private boolean continueFlow(final PacketTuple t, final boolean tcp, final boolean opensFlow,
        final Frontend frontend, final ServicePort sp, final long nowNanos, final Decision d)
    {
        final ConnView view = d.view;
        final int state = view.state();
        final Backend backend = sp.backend(view.backendId());
        if (backend == null)
        {
            // The backend left the slices (SEMANTICS.md §4): it must never see this flow again.
            connections.delete(view);
            d.rescheduled = true;
            if (tcp && !opensFlow && config.removedBackendPolicy() == RemovedBackendPolicy.DROP)
            {
                d.set(Verdict.DROP, Reason.BACKEND_REMOVED);
                return true;
            }
            return false;
        }
        if (tcp && opensFlow && (state == ConnState.TIME_WAIT || state == ConnState.CLOSE ||
            !backend.usableForNew(sp.localPolicy(frontend.kind.external))))
        {
            // IPVS conn_reuse_mode: a SYN on a closed entry, or on one whose backend is quiesced, is a new
            // connection and is scheduled afresh.
            connections.delete(view);
            d.rescheduled = true;
            return false;
        }
        final int next = tcp ? ConnState.tcpNext(state, t.flags) : state;
        connections.update(view, backend.id, next, nowNanos + config.timeouts().nanos(next));
        d.backend = backend;
        d.set(Verdict.DNAT, Reason.NONE);
        return true;
    }

    private void newFlow(final PacketTuple t, final boolean tcp, final boolean opensFlow, final Frontend frontend,
        final ServicePort sp, final long nowNanos, final Decision d)
    {
        if (!opensFlow && !d.rescheduled)
        {
            final MidFlowPolicy policy = config.midFlowPolicy();
            if (policy == MidFlowPolicy.PASS)
            {
                d.set(Verdict.PASS, Reason.NO_CONNECTION);
                return;
            }
            if (policy == MidFlowPolicy.DROP)
            {
                d.set(Verdict.DROP, Reason.NO_CONNECTION);
                return;
            }
        }
        final boolean external = frontend.kind.external;
        if (sp.clusterSet.isEmpty())
        {
            d.set(Verdict.REJECT, Reason.NO_ENDPOINTS);
            return;
        }
        final BackendSet set = sp.setFor(external);
        if (set.isEmpty())
        {
            d.set(Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS);
            return;
        }
        final boolean localPolicy = sp.localPolicy(external);
        Backend chosen = null;
        if (sp.affinityTimeoutNanos > 0)
        {
            final int remembered =
                affinity.lookup(t.srcHi, t.srcLo, sp.id, nowNanos, d.affinityKey, d.affinityView);
            if (remembered != 0)
            {
                final Backend b = sp.backend(remembered);
                if (b != null && b.usableForNew(localPolicy))
                {
                    chosen = b;
                }
            }
        }
        if (chosen == null)
        {
            chosen = set.pick(t, d.key.hash);
            if (chosen == null)
            {
                // Every usable backend refused (an overloaded threshold, say): as IPVS, no destination.
                d.set(Verdict.REJECT, Reason.NO_ENDPOINTS);
                return;
            }
        }
        final int state = tcp ? ConnState.tcpNext(ConnState.NONE, t.flags) :
            (t.protocol == PacketTuple.PROTO_UDP ? ConnState.UDP : ConnState.SCTP);
        final long expiry = nowNanos + config.timeouts().nanos(state);
        final int result = connections.getOrCreate(d.key, chosen.id, state, expiry, nowNanos, d.view);
        if (result == ConnTable.FULL)
        {
            d.set(Verdict.DROP, Reason.TABLE_FULL);
            return;
        }
        if (result == ConnTable.EXISTING)
        {
            // Another thread created this flow first: follow its choice.
            final Backend winner = sp.backend(d.view.backendId());
            if (winner != null)
            {
                d.backend = winner;
                d.set(Verdict.DNAT, Reason.NONE);
                return;
            }
            connections.delete(d.view);
            d.set(Verdict.DROP, Reason.BACKEND_REMOVED);
            return;
        }
        if (sp.affinityTimeoutNanos > 0)
        {
            affinity.remember(t.srcHi, t.srcLo, sp.id, chosen.id, nowNanos, sp.affinityTimeoutNanos,
                d.affinityKey, d.affinityView);
        }
        d.backend = chosen;
        d.newFlow = true;
        d.set(Verdict.DNAT, Reason.NONE);
    }

    @Override
    public void close()
    {
        connections.close();
        affinity.close();
    }
}
