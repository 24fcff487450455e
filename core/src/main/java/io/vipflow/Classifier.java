package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.internal.AdmissionLimiter;
import io.vipflow.internal.AffinityTable;
import io.vipflow.packet.FrameParser;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.BackendSet;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.NodeTraffic;
import io.vipflow.service.ServicePort;
import io.vipflow.service.Snapshot;
import org.agrona.DirectBuffer;

/**
 * The data plane: decides what happens to each packet addressed to a Service, and to its replies.
 * <p>
 * Thread contract: any number of threads may call {@code classify*} at once, each with its own
 * {@link Decision}. There are no locks and no allocation per packet. Each call reads the control plane's
 * current {@link Snapshot} once and decides against that snapshot only. Connection and affinity entries live
 * in off-heap tables shared by all threads; creating a flow's entry is atomic, so two packets of one new flow
 * racing on two threads get the same backend. One thread at a time may call {@link #sweep}. After
 * {@link #close} every classify and sweep call throws {@link IllegalStateException}.
 * <p>
 * Every backend's active and inactive counts (docs/SEMANTICS.md §3) follow its entries exactly: they change only with
 * a successful CAS on the entry (creation, state change, removal), so concurrent packets never count twice.
 * <p>
 * Times are nanoseconds on the caller's clock: packet capture time for a replay, {@link System#nanoTime()}
 * for live traffic, epoch nanoseconds for a table that outlives the process. The clock must not go backwards
 * by more than the shortest timeout.
 */
public final class Classifier implements AutoCloseable
{
    private static final int UPDATE_ATTEMPTS = 4;

    private final ControlPlane controlPlane;
    private final ClassifierConfig config;
    /** The config's timeouts, read per packet: one field load instead of two. */
    private final ConnTimeouts timeouts;
    private final ConnTable connections;
    private final AffinityTable affinity;
    private final AdmissionLimiter admission;
    private final ClassifierStats stats = new ClassifierStats();
    /** Counts entries and backends' connections; the table's removal listener. */
    private final EntryAccounting accounting;
    private final Lifecycle lifecycle = new Lifecycle();
    private final ConnView sweepView = new ConnView();
    private final ConnTable.PurgePredicate purge = this::purgeable;
    /**
     * Connection tables up to this many bytes have a batch decided packet by packet, without the phases that load
     * every packet's lines ahead ({@link #classifyBatch}). Those phases pay when the lines come from memory and cost
     * when the table is in the caches: established batches of 16 against one packet at a time, ns per packet
     * (bench/RESULTS.md), 87.5 against 53.6 with a 2.3 MB table, 93.4 against 85.7 with 6.2 MB, 165.8 against 220.6
     * with 10.4 MB. On that machine the turn lies between the last two; a processor with a larger last-level cache
     * moves it to larger tables, and a table between 8 MiB and the turn then has its batches decided up to about 10 %
     * slower than one packet at a time would.
     * <p>
     * Above this size a packet decided on its own that does not open a flow also loads its second bucket's header line
     * and second home slot line beside its home lines ({@link #finish}).
     */
    static final long PREFETCH_FROM_TABLE_BYTES = 8L << 20;

    private int sweepCursor;
    /**
     * Whether lines are loaded ahead: by {@link #classifyBatch}, and by a packet's lookup for its second bucket (see
     * {@link #PREFETCH_FROM_TABLE_BYTES}).
     */
    private boolean loadAhead;
    private int affinityCursor;
    /** Null unless a component listens to flow changes; read per creation and state change. */
    private FlowEvents flowEvents;

    /**
     * A classifier with an anonymous off-heap connection table of {@code config.connectionCapacity()} entries.
     *
     * @param controlPlane the Services to classify against; its latest published snapshot is read per packet
     * @param config       capacities, timeouts and policies; both tables are reserved off-heap here
     * @throws IllegalStateException when the JVM lacks the export Agrona needs (the message names the flag)
     */
    public Classifier(final ControlPlane controlPlane, final ClassifierConfig config)
    {
        this(controlPlane, config, new ConnTable(config.connectionCapacity()), false);
    }

    /**
     * A classifier over a given connection table, for example one in a memory-mapped file
     * ({@link ConnTable#mapped}) so that a restarted process keeps its flows. The classifier owns the table from
     * here on and closes it.
     * <p>
     * The table's entries are counted first: {@code entries} and every listed backend's active and inactive counts
     * start from what the table holds. Publish the cluster before building the classifier, so that the backends
     * of the entries are listed.
     *
     * @param controlPlane the Services to classify against; publish them first
     * @param config       capacities (but the connection table's), timeouts and policies
     * @param connections  the connection table, owned by the classifier from here on
     * @throws IllegalStateException when the table holds entries and the control plane has published nothing
     */
    public Classifier(final ControlPlane controlPlane, final ClassifierConfig config, final ConnTable connections)
    {
        this(controlPlane, config, connections, true);
    }

    private Classifier(final ControlPlane controlPlane, final ClassifierConfig config, final ConnTable connections,
        final boolean recount)
    {
        if (recount)
        {
            EntryRecount.apply(connections, controlPlane.current(), stats);
        }
        this.controlPlane = controlPlane;
        this.config = config;
        this.timeouts = config.timeouts();
        this.connections = connections;
        this.affinity = new AffinityTable(config.affinityCapacity());
        this.admission = new AdmissionLimiter(config.newFlowsPerSecond(), config.newFlowBurst());
        this.accounting = new EntryAccounting(controlPlane, stats);
        connections.removalListener(accounting);
        this.loadAhead = connections.bytes() > PREFETCH_FROM_TABLE_BYTES;
    }

    /**
     * Makes the classifier load lines ahead, or not, whatever the table's size ({@link #PREFETCH_FROM_TABLE_BYTES}), so
     * that tests reach both ways of deciding a batch, and a single packet's loads ahead, with small tables. Before the
     * classifier is shared with other threads.
     */
    void loadAhead(final boolean ahead)
    {
        loadAhead = ahead;
    }

    /**
     * The control plane given at construction.
     *
     * @return the control plane this classifier reads snapshots from
     */
    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    /** {@return the connection table, for tools and tests} */
    public ConnTable connections()
    {
        return connections;
    }

    /**
     * Sets the listener told of every entry a packet creates, moves to another state or deletes (null: none). Call
     * before the classifier is shared between threads.
     *
     * @param events the listener, or null for none
     */
    public void flowEvents(final FlowEvents events)
    {
        flowEvents = events;
    }

    /** The classifier's entry and connection accounting, for {@link SyncedFlows}' own creations. */
    EntryAccounting accounting()
    {
        return accounting;
    }

    /** {@return the counters; readable from any thread while the data plane runs} */
    public ClassifierStats stats()
    {
        return stats;
    }

    /**
     * Adds a thread's pending counts to {@link #stats()} now (they are added every
     * {@link ClassifierStats#FLUSH_EVERY} packets anyway).
     *
     * @param d the thread's decision
     */
    public void flushStats(final Decision d)
    {
        stats.flush(d.tally);
    }

    /**
     * Adds a batch's pending counts to {@link #stats()} now.
     *
     * @param batch the thread's batch
     */
    public void flushStats(final FrameBatch batch)
    {
        stats.flush(batch.tally);
    }

    /**
     * Parses a frame and classifies it. A frame that is truncated or inconsistent is a DROP with reason
     * {@code malformed}; a frame that carries no IP packet is a PASS.
     *
     * @param capturedLength bytes present in the buffer
     * @param wireLength     the frame's length on the wire (larger than captured when a snap length cut it)
     * @param linkType       pcap LINKTYPE_ number (1 Ethernet, 101 raw IP, 113 and 276 Linux cooked)
     * @param buffer         holds the frame
     * @param offset         where the frame starts in {@code buffer}
     * @param nowNanos       the packet's time in nanoseconds, on the clock of every other call (epoch nanoseconds
     *                       for a mapped table)
     * @param d              receives the decision; one per thread, reused
     */
    public void classifyFrame(final DirectBuffer buffer, final int offset, final int capturedLength,
        final int wireLength, final int linkType, final long nowNanos, final Decision d)
    {
        lifecycle.checkOpen();
        final int status = FrameParser.parse(buffer, offset, capturedLength, wireLength, linkType, d.tuple);
        if (status == FrameParser.OK)
        {
            classifyOpen(d.tuple, nowNanos, d);
            return;
        }
        unparsed(status, d);
    }

    private void unparsed(final int status, final Decision d)
    {
        d.reset();
        d.parsed = false;
        count(d, ClassifierStats.PACKETS);
        if (status == FrameParser.NOT_IP)
        {
            d.set(Verdict.PASS, Reason.NONE);
        }
        else
        {
            d.set(Verdict.DROP, status == FrameParser.UNSUPPORTED_LINK ? Reason.UNSUPPORTED_LINK : Reason.MALFORMED);
        }
    }

    /**
     * Classifies an already-parsed client-to-service packet. {@code t} may be {@code d.tuple}.
     *
     * @param t        the packet's tuple
     * @param nowNanos the packet's time in nanoseconds
     * @param d        receives the decision
     */
    public void classify(final PacketTuple t, final long nowNanos, final Decision d)
    {
        lifecycle.checkOpen();
        classifyOpen(t, nowNanos, d);
    }

    /** {@link #classify} once the caller has checked that the classifier is open. */
    private void classifyOpen(final PacketTuple t, final long nowNanos, final Decision d)
    {
        decide(controlPlane.current(), t, nowNanos, d);
    }

    /** One packet against {@code snapshot}, with no line loaded ahead. */
    private void decide(final Snapshot snapshot, final PacketTuple t, final long nowNanos, final Decision d)
    {
        if (begin(snapshot, t, d))
        {
            finish(t, -1, nowNanos, d);
        }
    }

    /**
     * Classifies {@code count} parsed packets as a batch, overlapping their memory accesses: all are hashed and
     * their buckets' header lines and home slot lines loaded first, then the slot lines of flows not in their home
     * way, then each is decided. Loads of different packets do not depend on each other, so the processor keeps
     * many cache misses in flight at once instead of waiting for each in turn; with a table larger than the caches
     * this is several times faster than one packet at a time. A connection table of at most 8 MiB, which the
     * caches hold, has every packet of a batch decided in turn instead, as one call each would be but against one
     * snapshot: there the loads ahead cost more than they save. Decisions are the same as {@link #classify} on each
     * packet in order (packets of one flow in a batch are decided in order), all against one snapshot.
     * {@code out[i]} receives packet {@code i}.
     *
     * @param tuples   the parsed packets
     * @param count    packets to classify, from index 0
     * @param nowNanos the time of every packet of the batch, in nanoseconds
     * @param out      receives one decision per packet; at least {@code count} long
     */
    public void classifyBatch(final PacketTuple[] tuples, final int count, final long nowNanos, final Decision[] out)
    {
        lifecycle.checkOpen();
        final Snapshot snapshot = controlPlane.current();
        if (!loadAhead)
        {
            // The table is in the caches (PREFETCH_FROM_TABLE_BYTES): nothing to wait for, so nothing to load ahead.
            for (int i = 0; i < count; i++)
            {
                out[i].pending = false;
                decide(snapshot, tuples[i], nowNanos, out[i]);
            }
            return;
        }
        final ConnTable table = connections;
        // Each phase is its own loop on purpose. A load that misses holds its place in the processor's reorder
        // window until it returns, so misses overlap only when few instructions separate them: the loops that
        // issue the misses (2 and 4) do nothing else, and the work between them (1 and 3) runs on cached data.
        for (int i = 0; i < count; i++)
        {
            final Decision d = out[i];
            if (d.pending = begin(snapshot, tuples[i], d))
            {
                d.bucket1 = table.firstBucket(d.key);
                d.bucket2 = table.secondBucket(d.key);
                d.homeSlot = table.homeSlot(d.key);
            }
            else
            {
                d.bucket1 = -1;
                d.bucket2 = -1;
                d.homeSlot = -1;
            }
        }
        long touched = 0;
        for (int i = 0; i < count; i++)
        {
            final Decision d = out[i];
            touched += table.touchLine(d.bucket1) + table.touchLine(d.bucket2) + table.touchLine(d.homeSlot);
        }
        for (int i = 0; i < count; i++)
        {
            // No live way with the key's tag: the lookup will miss, and need not load more than the scan reads.
            final int hint = out[i].pending ? table.slotHint(out[i].key) : -1;
            out[i].slotHint = hint < 0 ? ConnTable.EXPECT_MISS : hint;
        }
        for (int i = 0; i < count; i++)
        {
            // A flow in its home way needs no second round: its slot line is already on its way.
            final Decision d = out[i];
            touched += table.touchLine(d.slotHint == d.homeSlot ? -1 : d.slotHint);
        }
        for (int i = 0; i < count; i++)
        {
            if (out[i].pending)
            {
                out[i].pending = false;
                finish(tuples[i], out[i].slotHint, nowNanos, out[i]);
            }
        }
        if (count > 0)
        {
            out[0].touched = touched;
        }
    }

    /**
     * Parses and classifies the first {@code count} frames of a {@link FrameBatch}, laid out in one buffer, as
     * {@link #classifyBatch}: {@code batch.decision(i)} receives frame {@code i}. The batch owns every array the
     * call needs.
     *
     * @param buffer   the receive buffer holding the frames
     * @param batch    where the frames lie, and their decisions
     * @param count    frames in this batch, at most the batch's capacity
     * @param linkType pcap LINKTYPE_ number of every frame
     * @param nowNanos the time of the batch, on the data plane's clock
     * @throws IllegalArgumentException when {@code count} is negative or beyond the batch's capacity
     */
    public void classifyFrames(final DirectBuffer buffer, final FrameBatch batch, final int count, final int linkType,
        final long nowNanos)
    {
        classifyFrames(buffer, batch.offsets(), batch.lengths(), count, linkType, nowNanos, batch.decisions(),
            batch.tuples);
    }

    /**
     * Parses and classifies a batch of frames laid out in one buffer ({@code offsets[i]}, {@code lengths[i]}
     * captured bytes, the same wire length), as {@link #classifyBatch}. Frames that do not parse get their
     * verdict as in {@link #classifyFrame}. {@link FrameBatch} holds all these arrays for you.
     *
     * @param buffer   the receive buffer holding the frames
     * @param offsets  where frame {@code i} starts, for {@code i < count}
     * @param lengths  captured bytes of frame {@code i}
     * @param count    frames in this batch
     * @param linkType pcap LINKTYPE_ number of every frame
     * @param nowNanos the time of the batch, on the data plane's clock
     * @param out      {@code out[i]} receives frame {@code i}'s decision; distinct decisions, one thread's
     * @param scratch  at least {@code count} slots the call overwrites (with references to the decisions' parsed
     *                 tuples, to hand them to {@link #classifyBatch}); contents on return are unspecified
     * @throws IllegalArgumentException when an array is null or shorter than {@code count}, before any frame is
     *                                  classified
     */
    public void classifyFrames(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int count,
        final int linkType, final long nowNanos, final Decision[] out, final PacketTuple[] scratch)
    {
        lifecycle.checkOpen();
        if (count < 0 || offsets == null || offsets.length < count || lengths == null || lengths.length < count ||
            out == null || out.length < count || scratch == null || scratch.length < count)
        {
            throw new IllegalArgumentException("classifyFrames needs offsets, lengths, out and scratch of at least " +
                "count (" + count + ") elements each: " + length(offsets) + ", " + length(lengths) + ", " +
                length(out) + ", " + length(scratch));
        }
        int parsed = 0;
        for (int i = 0; i < count; i++)
        {
            final Decision d = out[i];
            final int status = FrameParser.parse(buffer, offsets[i], lengths[i], lengths[i], linkType, d.tuple);
            if (status != FrameParser.OK)
            {
                unparsed(status, d);
                d.pending = false;
                continue;
            }
            d.pending = true;
            parsed++;
        }
        if (parsed == count)
        {
            for (int i = 0; i < count; i++)
            {
                scratch[i] = out[i].tuple;
            }
            classifyBatch(scratch, count, nowNanos, out);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (out[i].pending)
            {
                out[i].pending = false;
                classifyOpen(out[i].tuple, nowNanos, out[i]);
            }
        }
    }

    private static String length(final Object[] a)
    {
        return a == null ? "null" : Integer.toString(a.length);
    }

    private static String length(final int[] a)
    {
        return a == null ? "null" : Integer.toString(a.length);
    }

    /**
     * First half of classification: the frontend and the flow key. Returns true when the packet
     * needs the connection table ({@link #finish}); otherwise the decision is complete.
     */
    private boolean begin(final Snapshot snapshot, final PacketTuple t, final Decision d)
    {
        count(d, ClassifierStats.PACKETS);
        final Frontend frontend = snapshot.frontends.lookup(t.ipv6, t.dstHi, t.dstLo, t.dstPort, t.protocol);
        final NodeTraffic traffic = snapshot.traffic;
        d.start(frontend, traffic);
        if (frontend == null)
        {
            KubeProxyRules.unserved(snapshot, traffic, t, d);
            return false;
        }
        d.key.setFrom(t);
        return true;
    }

    /** Second half: the connection table, then the scheduler for a new flow. */
    private void finish(final PacketTuple t, final int slotHint, final long nowNanos, final Decision d)
    {
        final Frontend frontend = d.frontend;
        final ServicePort sp = frontend.target;
        final boolean tcp = t.protocol == PacketTuple.PROTO_TCP;
        final boolean opensFlow = KubeProxyRules.opensFlow(t, tcp);
        int hint = slotHint;
        if (tcp && opensFlow && slotHint == -1)
        {
            // A SYN nearly always starts a flow the table does not hold: its miss reads the second bucket's header line
            // and its insert's race check reads it again. Loading that line now, beside the home header and slot lines
            // the lookup loads, keeps the three in flight together: one wait for memory instead of two when the table
            // is larger than the caches. (A batch has loaded it already.) The lookup is told to expect the miss.
            d.touched = connections.touchLine(connections.secondBucket(d.key));
            hint = ConnTable.EXPECT_MISS;
        }
        else if (slotHint == -1 && loadAhead)
        {
            // A table larger than the caches: the second bucket's header line and the second home slot line are loaded
            // now as well, beside the home header and slot lines the lookup loads, all four addressed by the hash. A
            // flow in its second home way (about one in eight at 1M flows) then waits on memory once instead of twice;
            // for a flow at home the two lines cost bandwidth, not waiting (MemoryLatencyBenchmark: a dependent load
            // over 192 MiB with three more lines loaded beside it, dependentLoadBesideThree, costs what it costs alone).
            // A batch has loaded its lines already.
            d.touched = connections.touchLine(connections.secondBucket(d.key)) +
                connections.touchLine(connections.secondHomeSlot(d.key));
        }
        if (!(connections.lookup(d.key, hint, nowNanos, d.view) &&
            continueFlow(t, tcp, opensFlow, sp, nowNanos, d)))
        {
            // Only a flow that is scheduled needs the endpoint set: established packets skip the source checks.
            newFlow(t, tcp, opensFlow, KubeProxyRules.usesLocalSet(t, frontend, sp, d.traffic), sp, nowNanos, d);
        }
        if (d.dnat())
        {
            d.masquerade = KubeProxyRules.masquerade(t, frontend, sp, d.traffic, d.backend());
        }
    }

    /**
     * Classifies a packet from a backend to a client (the reverse tuple of a tracked flow). When it answers a
     * flow this classifier DNATed, the verdict is {@link Verdict#REPLY} with the flow's frontend, Service port
     * and backend, and the entry's timer restarts; otherwise {@link Verdict#PASS}.
     *
     * @param t        the answer's tuple (backend to client)
     * @param nowNanos its time in nanoseconds
     * @param d        receives the decision
     */
    public void classifyReply(final PacketTuple t, final long nowNanos, final Decision d)
    {
        lifecycle.checkOpen();
        d.reset();
        count(d, ClassifierStats.PACKETS);
        final Snapshot snapshot = controlPlane.current();
        final long[] candidates = snapshot.replyFrontends(t.ipv6, t.srcHi, t.srcLo, t.srcPort, t.protocol);
        if (candidates == null)
        {
            return;
        }
        final int keyProtocol = FlowKey.familyProtocol(t.protocol, t.ipv6);
        for (int c = 0; c < candidates.length; c += 3)
        {
            final long frontendHi = candidates[c];
            final long frontendLo = candidates[c + 1];
            final int frontendPort = (int)candidates[c + 2];
            d.key.set(keyProtocol, t.dstHi, t.dstLo, t.dstPort, frontendHi, frontendLo, frontendPort);
            if (!connections.lookup(d.key, nowNanos, d.view))
            {
                continue;
            }
            // The candidates name frontends by address, so that a recompiled Service does not rewrite every
            // backend's entry; the frontend itself (and its current Service port) is the same snapshot's.
            final Frontend f = snapshot.frontends.lookup(t.ipv6, frontendHi, frontendLo, frontendPort, t.protocol);
            final Backend b = f == null ? null : f.target.backend(d.view.backendId());
            if (b != null && b.addrLo == t.srcLo && b.addrHi == t.srcHi && b.port == t.srcPort)
            {
                final int state = d.view.state();
                if (!d.view.keeps(state, nowNanos + timeouts.nanos(state)))
                {
                    connections.update(d.view, b.id, state, timeouts.refreshedDeadline(state, nowNanos));
                }
                d.frontend = f;
                d.listedBackend(b.id);
                d.set(Verdict.REPLY, Reason.NONE);
                count(d, ClassifierStats.REPLIES);
                return;
            }
        }
    }

    /**
     * A packet of a flow with a live entry. Returns false when the entry had to be let go and the packet is to
     * be scheduled as a new flow.
     */
    private boolean continueFlow(final PacketTuple t, final boolean tcp, final boolean opensFlow,
        final ServicePort sp, final long nowNanos, final Decision d)
    {
        final ConnView view = d.view;
        final Backend backend = sp.backend(view.backendId());
        if (backend == null)
        {
            final Backend departed = opensFlow || !config.removedBackendPolicy().keeps(t.protocol) ? null :
                sp.departed(view.backendId());
            if (departed != null)
            {
                // KEEP / DRAIN: the flow goes on to the backend that left (conntrack or a draining destination).
                advance(t, tcp, departed, nowNanos, d);
                count(d, ClassifierStats.HITS);
                d.backend(departed);
                d.set(Verdict.DNAT, Reason.NONE);
                return true;
            }
            // The backend left the slices (docs/SEMANTICS.md §4): it must never see this flow again.
            connections.delete(view);
            d.rescheduled = true;
            count(d, ClassifierStats.RESCHEDULES);
            // TCP and SCTP (connection-oriented) follow expire_nodest_conn, as does a flow KEEP or DRAIN cannot keep;
            // a UDP packet always opens a flow.
            if (!opensFlow && config.removedBackendPolicy() != RemovedBackendPolicy.RESCHEDULE)
            {
                d.set(Verdict.DROP, Reason.BACKEND_REMOVED);
                return true;
            }
            return false;
        }
        final int state = view.state();
        if (tcp && opensFlow && (state == ConnState.TIME_WAIT || state == ConnState.CLOSE ||
            !backend.usableForNew(KubeProxyRules.usesLocalSet(t, d.frontend, sp, d.traffic))))
        {
            // IPVS conn_reuse_mode: a SYN on a closed entry, or on one whose backend is quiesced, is a new
            // connection and is scheduled afresh.
            final FlowEvents events = flowEvents;
            if (connections.delete(view) && events != null)
            {
                d.flowEvents(events).flowEvent(FlowEvents.REMOVED, d.key, backend, state, 0);
            }
            d.rescheduled = true;
            count(d, ClassifierStats.RESCHEDULES);
            return false;
        }
        advance(t, tcp, backend, nowNanos, d);
        count(d, ClassifierStats.HITS);
        d.listedBackend(backend.id);
        d.set(Verdict.DNAT, Reason.NONE);
        return true;
    }

    /**
     * Moves the entry in {@code d.view} to the state this packet leads to and restarts its timer. A CAS lost to
     * a concurrent packet of the same flow is retried from a fresh read, so no transition is lost. A packet that
     * leaves the state as it is and finds the deadline no earlier than its own (within the state's refresh grain,
     * {@link ConnTimeouts}; most packets of a busy flow) touches the table no further.
     */
    private void advance(final PacketTuple t, final boolean tcp, final Backend backend, final long nowNanos,
        final Decision d)
    {
        final ConnView view = d.view;
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++)
        {
            final int state = view.state();
            final int next = tcp ? ConnState.tcpNext(state, t.flags) : state;
            final long ttl = timeouts.nanos(next);
            if (next == state && view.keeps(next, nowNanos + ttl))
            {
                // Nothing to write (the entry lives at least as long already: the refresh grain, ConnTimeouts): the
                // lookup that filled the view read the entry live in this state with this deadline (its seqlock
                // proved the words belong together), so the packet is decided as of that read,
                // as if it came just before whatever another thread has done to the entry since. update() would only
                // read the meta and header words again to refuse a stale view; no count or event changes either way.
                return;
            }
            if (connections.update(view, backend.id, next, timeouts.refreshedDeadline(next, nowNanos)))
            {
                EntryAccounting.recount(backend.counters, state, next);
                final FlowEvents events = flowEvents;
                if (events != null && next != state)
                {
                    d.flowEvents(events).flowEvent(FlowEvents.CHANGED, d.key, backend, next, ttl);
                }
                return;
            }
            if (!connections.lookup(d.key, nowNanos, view) || view.backendId() != backend.id)
            {
                return;
            }
        }
    }

    /**
     * A packet the table holds no live entry for. Split in three (admission, the scheduler's pick, the insert) so that
     * each part stays under the JIT's inlining limit for hot methods (325 bytes of bytecode).
     */
    private void newFlow(final PacketTuple t, final boolean tcp, final boolean opensFlow, final boolean localPolicy,
        final ServicePort sp, final long nowNanos, final Decision d)
    {
        final BackendSet set = admitted(t, opensFlow, localPolicy, sp, nowNanos, d);
        if (set == null)
        {
            return;
        }
        // IPVS profile: the frontend's own virtual service schedules (its list, its cursor), built for the
        // frontend's policy; it holds the same members as set when that policy applies.
        final BackendSet scheduled = d.frontend.virtualService != null &&
            localPolicy == sp.localPolicy(d.frontend.kind.external) ? d.frontend.virtualService : set;
        final Backend chosen = choose(t, sp, scheduled, localPolicy, nowNanos, d);
        if (chosen == null)
        {
            // Every usable backend refused (an overload threshold, say): as IPVS, no destination.
            d.set(Verdict.REJECT, Reason.NO_DESTINATION);
            return;
        }
        insert(t, tcp, sp, chosen, nowNanos, d);
    }

    /**
     * The checks a new flow passes before a backend is chosen, in kube-proxy's order. Returns the endpoint set to
     * schedule from, or null when the packet has been decided here.
     */
    private BackendSet admitted(final PacketTuple t, final boolean opensFlow, final boolean localPolicy,
        final ServicePort sp, final long nowNanos, final Decision d)
    {
        if (!d.frontend.admits(t.srcHi, t.srcLo))
        {
            // loadBalancerSourceRanges filter new connections only (nftables firewall-check: ct state new), before
            // any endpoint check; an established flow keeps going when the ranges change.
            d.set(Verdict.DROP, Reason.SOURCE_RANGE);
            return null;
        }
        if (!opensFlow && !d.rescheduled)
        {
            final MidFlowPolicy policy = config.midFlowPolicy();
            if (policy == MidFlowPolicy.PASS)
            {
                d.set(Verdict.PASS, Reason.NO_CONNECTION);
                return null;
            }
            if (policy == MidFlowPolicy.DROP)
            {
                d.set(Verdict.DROP, Reason.NO_CONNECTION);
                return null;
            }
        }
        if (sp.clusterSet.isEmpty())
        {
            d.set(Verdict.REJECT, Reason.NO_ENDPOINTS);
            return null;
        }
        final BackendSet set = localPolicy ? sp.localSet : sp.clusterSet;
        if (set.isEmpty())
        {
            d.set(Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS);
            return null;
        }
        if (!admission.tryAcquire(nowNanos, d.admissionLease))
        {
            d.set(Verdict.DROP, Reason.RATE_LIMITED);
            count(d, ClassifierStats.FLOOD_DROPS);
            return null;
        }
        return set;
    }

    /** Creates the entry for a new flow to {@code chosen}, or follows the entry another thread created first. */
    private void insert(final PacketTuple t, final boolean tcp, final ServicePort sp, final Backend chosen,
        final long nowNanos, final Decision d)
    {
        final int state = tcp ? ConnState.tcpNext(ConnState.NONE, t.flags) :
            (t.protocol == PacketTuple.PROTO_UDP ? ConnState.UDP : ConnState.SCTP);
        final long ttl = timeouts.nanos(state);
        final int result = connections.getOrCreate(d.key, chosen.id, state, nowNanos + ttl, nowNanos, d.view);
        if (result == ConnTable.CREATED)
        {
            created(t, sp, chosen, state, ttl, nowNanos, d);
        }
        else if (result == ConnTable.EXISTING)
        {
            joined(t, tcp, sp, nowNanos, d);
        }
        else
        {
            d.set(Verdict.DROP, Reason.TABLE_FULL);
            count(d, ClassifierStats.TABLE_FULL);
        }
    }

    /** The bookkeeping of an entry this thread created: counts, the flow event, ClientIP affinity. */
    private void created(final PacketTuple t, final ServicePort sp, final Backend chosen, final int state,
        final long ttl, final long nowNanos, final Decision d)
    {
        accounting.created(chosen.counters, state, d.view);
        final FlowEvents events = flowEvents;
        if (events != null)
        {
            d.flowEvents(events).flowEvent(FlowEvents.CREATED, d.key, chosen, state, ttl);
        }
        count(d, ClassifierStats.INSERTS);
        if (sp.affinityTimeoutNanos > 0)
        {
            affinity.remember(t.srcHi, t.srcLo, sp.id, chosen.id, nowNanos, sp.affinityTimeoutNanos,
                d.affinityKey, d.affinityView);
        }
        d.backend(chosen);
        d.newFlow = true;
        d.set(Verdict.DNAT, Reason.NONE);
    }

    /** Another thread created this flow first (its entry is in {@code d.view}): follow its choice. */
    private void joined(final PacketTuple t, final boolean tcp, final ServicePort sp, final long nowNanos,
        final Decision d)
    {
        final Backend winner = sp.backend(d.view.backendId());
        if (winner != null)
        {
            advance(t, tcp, winner, nowNanos, d);
            count(d, ClassifierStats.HITS);
            d.listedBackend(winner.id);
            d.set(Verdict.DNAT, Reason.NONE);
            return;
        }
        connections.delete(d.view);
        d.set(Verdict.DROP, Reason.BACKEND_REMOVED);
    }

    /** ClientIP affinity first (docs/SEMANTICS.md §5), then the scheduler. */
    private Backend choose(final PacketTuple t, final ServicePort sp, final BackendSet set,
        final boolean localPolicy, final long nowNanos, final Decision d)
    {
        if (sp.affinityTimeoutNanos > 0)
        {
            final int remembered = affinity.lookup(t.srcHi, t.srcLo, sp.id, nowNanos, d.affinityKey, d.affinityView);
            if (remembered != 0)
            {
                final Backend b = sp.backend(remembered);
                if (b != null && b.usableForNew(localPolicy))
                {
                    return b;
                }
            }
        }
        return set.pick(t, d.key.hash);
    }

    /**
     * One step of the incremental sweeper: visits at most {@code maxSlots} slots, removing expired entries and
     * the UDP entries of backends that are no longer listed (docs/SEMANTICS.md §4: stale UDP entries are purged). TCP
     * and SCTP entries of removed backends stay until their next packet, which meets the removed-backend policy,
     * or their timeout, so a decision never depends on whether the sweeper has reached the slot. One thread at a
     * time.
     *
     * A step that runs while another thread closes the classifier finishes first ({@link #close} waits for it);
     * a step after close throws.
     *
     * @param nowNanos the current time, on the classifier's clock
     * @param maxSlots slots visited at most
     * @return true when this step finished a full pass over the table
     * @throws IllegalStateException when the classifier is closed
     */
    public boolean sweep(final long nowNanos, final int maxSlots)
    {
        lifecycle.enter();
        try
        {
            sweepCursor = connections.sweep(sweepCursor, maxSlots, nowNanos, purge, sweepView);
            affinityCursor = affinity.expire(affinityCursor, Math.max(1, maxSlots / 8), nowNanos);
            return sweepCursor == 0;
        }
        finally
        {
            lifecycle.exit();
        }
    }

    /** {@return true once {@link #close} has begun; every classify and sweep call then throws} */
    public boolean isClosed()
    {
        return lifecycle.isClosed();
    }

    private boolean purgeable(final int backendId, final int state)
    {
        return state == ConnState.UDP && controlPlane.current().backend(backendId) == null;
    }

    private void count(final Decision d, final int counter)
    {
        final long[] tally = d.tally;
        tally[counter]++;
        if (counter == ClassifierStats.PACKETS && tally[counter] >= ClassifierStats.FLUSH_EVERY)
        {
            stats.flush(tally);
        }
    }

    /**
     * Frees the connection and affinity tables (a mapped table is unmapped and its file lock released); a second
     * call does nothing. Waits for a {@link #sweep} step in progress. From then on every {@code classify*} and
     * {@link #sweep} call throws {@link IllegalStateException}; {@link #stats()} stays readable. Stop the
     * data-plane threads first: a classify call still running when the tables are freed is not waited for.
     */
    @Override
    public void close()
    {
        if (lifecycle.close())
        {
            connections.close();
            affinity.close();
        }
    }
}
