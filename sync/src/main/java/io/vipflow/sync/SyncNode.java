package io.vipflow.sync;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.vipflow.Classifier;
import io.vipflow.FlowEvents;
import io.vipflow.SyncedFlows;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.MessageHandler;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One balancer's end of the connection sync. It installs a {@link SyncRing} as the classifier's
 * {@link FlowEvents}, so the data plane only offers its changes into preallocated memory; its agent takes them
 * from the ring, batches them into messages and offers each message to every peer's publication; it applies what
 * peers send through {@link SyncedFlows}; it answers a peer's request for the table by scanning its own a few
 * hundred slots at a time between live batches; every {@link SyncConfig#refreshPeriodNanos()} it sends its whole
 * table to every peer the same way, so that peers' timers follow flows that live long without changing state; and,
 * with {@link SyncConfig#catchUp()}, it asks for the table at start.
 * <p>
 * Thread contract: the constructor and {@link #close} on one thread; the agent ({@link #doWork}) on one thread,
 * its own after {@link #start}; the counters and {@link #lastSequenceFrom} from any thread.
 */
public final class SyncNode implements Agent, AutoCloseable
{
    /** A message that waits for a back-pressured peer longer than this is given up for that peer. */
    private static final long OFFER_DEADLINE_NANOS = 50_000_000L;
    private static final long REQUEST_INTERVAL_NANOS = 200_000_000L;
    private static final int SCAN_SLOTS_PER_STEP = 256;
    private static final int POLL_LIMIT = 16;
    /** How long a client waits for a silent driver before it counts it as gone. */
    static final long DRIVER_TIMEOUT_MS = 1_000;
    private static final long RECONNECT_INTERVAL_NANOS = 250_000_000L;
    private static final AtomicLong DRIVER_ERRORS = new AtomicLong();
    /** Addressee of a table scan sent to every peer: the periodic refresh. */
    private static final long EVERY_PEER = 0;
    /** {@link #serving} while a refresh scan runs. */
    private static final long REFRESHING = Long.MIN_VALUE;

    private final SyncConfig config;
    private final long id;
    private final Classifier classifier;
    private final SyncedFlows flows;
    private final SyncRing ring;
    private final boolean ownsAeron;
    private Aeron aeron;
    private Subscription subscription;
    private ExclusivePublication[] publications;
    private final boolean[] delivered;
    private long lastConnectAttemptNanos;
    private final FragmentHandler assembler;
    private final int maxRecords;
    private final UnsafeBuffer out;
    private final FlowKey applyKey = new FlowKey();
    private final MessageHandler taker = this::takeRecord;
    private final SyncedFlows.EntryVisitor scanVisitor = this::snapshotEntry;
    private final LagRecorder lag = new LagRecorder();
    private volatile PeerState[] peers = new PeerState[0];
    private final ArrayDeque<Long> requesters = new ArrayDeque<>();

    private boolean pending;
    private int outRecords;
    private long pendingSince;
    private long pendingRingPosition = -1;
    private long sequence;
    private long serving;
    private int scanCursor;
    private boolean scanStarted;
    private long lastRequestNanos;
    private long lastRefreshNanos = System.nanoTime();
    private AgentRunner runner;

    private volatile boolean caughtUp;
    private volatile long flushedRingPosition;
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong recordsLost = new AtomicLong();
    private final AtomicLong recordsApplied = new AtomicLong();
    private final AtomicLong recordsKept = new AtomicLong();
    private final AtomicLong recordsUnmatched = new AtomicLong();
    private final AtomicLong snapshotRecordsSent = new AtomicLong();
    private final AtomicLong snapshotRecordsApplied = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    /**
     * A node with an Aeron client of its own, connected to the driver in {@link SyncConfig#aeronDirectory()}. When
     * that driver stops, the node counts what it cannot send and connects again once a driver runs there.
     */
    public SyncNode(final Classifier classifier, final SyncConfig config)
    {
        this(classifier, config, Aeron.connect(clientContext(config)), true);
    }

    private static Aeron.Context clientContext(final SyncConfig config)
    {
        return new Aeron.Context().aeronDirectoryName(config.aeronDirectory()).driverTimeoutMs(DRIVER_TIMEOUT_MS)
            // A lost driver is expected (the node reconnects): the client reports it here instead of on stderr.
            .errorHandler(e -> DRIVER_ERRORS.incrementAndGet());
    }

    /** A node on a shared Aeron client, which the caller closes after the node. */
    public SyncNode(final Classifier classifier, final SyncConfig config, final Aeron aeron)
    {
        this(classifier, config, aeron, false);
    }

    private SyncNode(final Classifier classifier, final SyncConfig config, final Aeron aeron, final boolean owns)
    {
        this.config = config;
        this.id = config.instanceId();
        this.classifier = classifier;
        this.flows = new SyncedFlows(classifier);
        this.ring = new SyncRing(config.ringRecords(), config.flushIntervalNanos());
        this.aeron = aeron;
        this.ownsAeron = owns;
        openChannels();
        this.delivered = new boolean[publications.length];
        int payload = Integer.MAX_VALUE;
        for (final ExclusivePublication p : publications)
        {
            payload = Math.min(payload, p.maxPayloadLength());
        }
        // One message per frame: no fragmentation, so a lost frame costs one batch.
        this.maxRecords = Math.max(1, (payload - SyncWire.HEADER_LENGTH) / SyncWire.RECORD_LENGTH);
        this.out = new UnsafeBuffer(ByteBuffer.allocateDirect(
            BitUtil.align(SyncWire.HEADER_LENGTH + maxRecords * SyncWire.RECORD_LENGTH, 64)));
        this.assembler = new FragmentAssembler(this::onMessage);
        this.caughtUp = !config.catchUp();
        classifier.flowEvents(ring);
    }

    private void openChannels()
    {
        subscription = aeron.addSubscription(config.listenChannel(), config.streamId());
        final List<ExclusivePublication> pubs = new ArrayList<>();
        for (final String channel : config.peerChannels())
        {
            pubs.add(aeron.addExclusivePublication(channel, config.streamId()));
        }
        publications = pubs.toArray(new ExclusivePublication[0]);
    }

    /**
     * After the driver was lost (the client closed itself), tries to connect again every 250 ms. Meanwhile the
     * agent goes on taking changes from the ring and counts them lost, so the data plane never waits for it.
     */
    private void reconnect()
    {
        final long now = System.nanoTime();
        if (now - lastConnectAttemptNanos < RECONNECT_INTERVAL_NANOS)
        {
            return;
        }
        lastConnectAttemptNanos = now;
        try
        {
            final Aeron fresh = Aeron.connect(clientContext(config));
            CloseHelper.quietCloseAll(publications);
            CloseHelper.quietClose(subscription);
            aeron = fresh;
            openChannels();
            reconnects.incrementAndGet();
        }
        catch (final RuntimeException e)
        {
            // No driver yet (DriverTimeoutException and kin): try again later.
        }
    }

    /** Runs the agent on a thread of its own (idle: spin, yield, then park up to {@link SyncConfig#idleParkNanos}). */
    public SyncNode start()
    {
        runner = new AgentRunner(SyncConfig.idleStrategy(config.idleParkNanos()), Throwable::printStackTrace, null,
            this);
        AgentRunner.startOnThread(runner);
        return this;
    }

    @Override
    public String roleName()
    {
        return "vipflow-sync-" + Long.toHexString(id);
    }

    @Override
    public int doWork()
    {
        if (ownsAeron && aeron.isClosed())
        {
            reconnect();
        }
        int work = subscription.isClosed() ? 0 : subscription.poll(assembler, POLL_LIMIT);
        if (!pending)
        {
            prepare();
        }
        if (pending)
        {
            work += flush();
        }
        return work;
    }

    /** Builds the next message: a catch-up request, then table batches and live batches in turn. */
    private void prepare()
    {
        final long now = System.nanoTime();
        if (!caughtUp && now - lastRequestNanos > REQUEST_INTERVAL_NANOS)
        {
            lastRequestNanos = now;
            begin(SyncWire.KIND_SNAPSHOT_REQUEST, 0);
            return;
        }
        if (serving == 0 && !requesters.isEmpty())
        {
            serving = requesters.poll();
            scanCursor = 0;
            scanStarted = false;
        }
        else if (serving == 0 && config.refreshPeriodNanos() > 0 &&
            now - lastRefreshNanos > config.refreshPeriodNanos())
        {
            lastRefreshNanos = now;
            serving = REFRESHING;
            scanCursor = 0;
            scanStarted = false;
        }
        if (serving != 0 && (sequence & 1) == 0)
        {
            prepareSnapshot();
            return;
        }
        outRecords = 0;
        ring.take(taker, maxRecords, now);
        if (outRecords > 0)
        {
            pendingRingPosition = ring.takenPosition();
            finishBegin(SyncWire.KIND_UPDATES, 0);
        }
        else if (serving != 0)
        {
            prepareSnapshot();
        }
    }

    private void takeRecord(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        out.putBytes(SyncWire.HEADER_LENGTH + outRecords * SyncWire.RECORD_LENGTH, buffer, index,
            SyncWire.RECORD_LENGTH);
        outRecords++;
    }

    private void prepareSnapshot()
    {
        outRecords = 0;
        final long now = config.clock().getAsLong();
        int slots = 0;
        while (outRecords < maxRecords && slots < SCAN_SLOTS_PER_STEP && !(scanStarted && scanCursor == 0))
        {
            scanStarted = true;
            scanCursor = flows.scan(scanCursor, 1, now, scanVisitor);
            slots++;
        }
        final long addressee = serving == REFRESHING ? EVERY_PEER : serving;
        if (outRecords > 0)
        {
            snapshotRecordsSent.addAndGet(outRecords);
            finishBegin(SyncWire.KIND_SNAPSHOT, addressee);
        }
        else if (scanStarted && scanCursor == 0)
        {
            if (serving != REFRESHING)
            {
                begin(SyncWire.KIND_SNAPSHOT_END, addressee);
            }
            serving = 0;
        }
    }

    private void snapshotEntry(final FlowKey key, final Backend backend, final int state, final long ttlNanos)
    {
        SyncWire.putRecord(out, SyncWire.HEADER_LENGTH + outRecords * SyncWire.RECORD_LENGTH, SyncWire.TYPE_ENTRY,
            key, backend, state, ttlNanos);
        outRecords++;
    }

    private void begin(final int kind, final long addressee)
    {
        outRecords = 0;
        finishBegin(kind, addressee);
    }

    private void finishBegin(final int kind, final long addressee)
    {
        out.putLong(SyncWire.ADDRESSEE, addressee, SyncWire.ORDER);
        out.putInt(SyncWire.KIND, kind, SyncWire.ORDER);
        pending = true;
        pendingSince = System.nanoTime();
    }

    /** Offers the pending message to every peer that has not taken it; 1 when it is done with. */
    private int flush()
    {
        SyncWire.putHeader(out, id, sequence, System.nanoTime(), out.getLong(SyncWire.ADDRESSEE, SyncWire.ORDER),
            out.getInt(SyncWire.KIND, SyncWire.ORDER), outRecords);
        final int length = SyncWire.HEADER_LENGTH + outRecords * SyncWire.RECORD_LENGTH;
        boolean all = true;
        for (int i = 0; i < publications.length; i++)
        {
            if (delivered[i])
            {
                continue;
            }
            final long result = publications[i].offer(out, 0, length);
            if (result > 0)
            {
                delivered[i] = true;
            }
            else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                if (System.nanoTime() - pendingSince > OFFER_DEADLINE_NANOS)
                {
                    delivered[i] = true;
                    recordsLost.addAndGet(outRecords);
                }
                else
                {
                    all = false;
                }
            }
            else
            {
                // Not connected (no peer listens there now) or closed: the message is lost for this peer, who will
                // see the gap in the sequence.
                delivered[i] = true;
                recordsLost.addAndGet(outRecords);
            }
        }
        if (!all)
        {
            return 0;
        }
        java.util.Arrays.fill(delivered, false);
        sequence++;
        pending = false;
        if (out.getInt(SyncWire.KIND, SyncWire.ORDER) == SyncWire.KIND_UPDATES)
        {
            recordsSent.addAndGet(outRecords);
            flushedRingPosition = pendingRingPosition;
        }
        return 1;
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int count = SyncWire.recordsIn(buffer, offset, length);
        final long sender = buffer.getLong(offset + SyncWire.SENDER, SyncWire.ORDER);
        if (count < 0 || sender == id)
        {
            return;
        }
        final PeerState peer = peer(sender);
        peer.onMessage(buffer.getLong(offset + SyncWire.SEQUENCE, SyncWire.ORDER));
        final long addressee = buffer.getLong(offset + SyncWire.ADDRESSEE, SyncWire.ORDER);
        switch (buffer.getInt(offset + SyncWire.KIND, SyncWire.ORDER))
        {
            case SyncWire.KIND_UPDATES ->
            {
                apply(buffer, offset, count);
                peer.records = peer.records + count;
                lag.record(System.nanoTime() - buffer.getLong(offset + SyncWire.SEND_TIME, SyncWire.ORDER));
            }
            case SyncWire.KIND_SNAPSHOT ->
            {
                if (addressee == id || addressee == EVERY_PEER)
                {
                    apply(buffer, offset, count);
                    snapshotRecordsApplied.addAndGet(count);
                }
            }
            case SyncWire.KIND_SNAPSHOT_REQUEST ->
            {
                if (serving != sender && !requesters.contains(sender))
                {
                    requesters.add(sender);
                }
            }
            case SyncWire.KIND_SNAPSHOT_END ->
            {
                if (addressee == id)
                {
                    caughtUp = true;
                }
            }
            default ->
            {
                // A kind this version does not know: skipped, so that newer peers can add kinds.
            }
        }
    }

    private void apply(final DirectBuffer buffer, final int offset, final int count)
    {
        final long now = config.clock().getAsLong();
        for (int i = 0; i < count; i++)
        {
            final int at = offset + SyncWire.HEADER_LENGTH + i * SyncWire.RECORD_LENGTH;
            SyncWire.key(buffer, at, applyKey);
            final int outcome;
            if (SyncWire.type(buffer, at) == FlowEvents.REMOVED)
            {
                outcome = flows.remove(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), now);
            }
            else if (SyncWire.type(buffer, at) == SyncWire.TYPE_ENTRY)
            {
                outcome = flows.refresh(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), SyncWire.state(buffer, at), SyncWire.ttlNanos(buffer, at), now);
            }
            else
            {
                outcome = flows.upsert(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), SyncWire.state(buffer, at), SyncWire.ttlNanos(buffer, at), now);
            }
            switch (outcome)
            {
                case SyncedFlows.APPLIED -> recordsApplied.incrementAndGet();
                case SyncedFlows.KEPT -> recordsKept.incrementAndGet();
                default -> recordsUnmatched.incrementAndGet();
            }
        }
    }

    private PeerState peer(final long sender)
    {
        for (final PeerState p : peers)
        {
            if (p.id == sender)
            {
                return p;
            }
        }
        final PeerState[] grown = java.util.Arrays.copyOf(peers, peers.length + 1);
        grown[peers.length] = new PeerState(sender);
        peers = grown;
        return grown[peers.length - 1];
    }

    /** Errors the Aeron clients of nodes in this process reported (a lost media driver, mostly). */
    public static long driverErrors()
    {
        return DRIVER_ERRORS.get();
    }

    /** Records one message carries at most. */
    public int maxRecordsPerMessage()
    {
        return maxRecords;
    }

    /** This node's id on the wire. */
    public long instanceId()
    {
        return id;
    }

    /** The ring the data plane offers into (also the classifier's {@link FlowEvents}). */
    public SyncRing ring()
    {
        return ring;
    }

    /** True when every change offered into the ring so far has been sent (or given up) and acknowledged locally. */
    public boolean drained()
    {
        return flushedRingPosition == ring.offeredPosition();
    }

    /** Messages this node has finished sending: the next message's sequence. */
    public long messagesSent()
    {
        return sequence;
    }

    /** The last sequence received from {@code peer}, -1 when nothing has arrived from it. */
    public long lastSequenceFrom(final long peer)
    {
        for (final PeerState p : peers)
        {
            if (p.id == peer)
            {
                return p.lastSequence;
            }
        }
        return -1;
    }

    /** Update records received from {@code peer} (table records for catch-up not included). */
    public long recordsFrom(final long peer)
    {
        for (final PeerState p : peers)
        {
            if (p.id == peer)
            {
                return p.records;
            }
        }
        return 0;
    }

    /** Messages from peers that never arrived (gaps in their sequences). */
    public long messagesMissed()
    {
        long missed = 0;
        for (final PeerState p : peers)
        {
            missed += p.missedMessages;
        }
        return missed;
    }

    /** True once a peer's whole table has arrived (always true without {@link SyncConfig#catchUp()}). */
    public boolean caughtUp()
    {
        return caughtUp;
    }

    public long recordsSent()
    {
        return recordsSent.get();
    }

    /** Records not delivered to some peer: not connected, closed, or back-pressured past the deadline. */
    public long recordsLost()
    {
        return recordsLost.get();
    }

    /** Changes the data plane could not leave in a full lane. */
    public long recordsDropped()
    {
        return ring.dropped();
    }

    public long recordsApplied()
    {
        return recordsApplied.get();
    }

    /** Peer records that met a local entry with another backend, which stayed. */
    public long recordsKept()
    {
        return recordsKept.get();
    }

    /** Peer records for a frontend this node does not have, for a full table, or removals of absent entries. */
    public long recordsUnmatched()
    {
        return recordsUnmatched.get();
    }

    /** Times this node connected again after losing its media driver. */
    public long reconnects()
    {
        return reconnects.get();
    }

    /**
     * True when every peer's publication is connected (a peer listens there). Messages offered to a publication
     * that is not connected are counted lost, so a node that starts with its peers up may wait for this first.
     */
    public boolean peersConnected()
    {
        final ExclusivePublication[] pubs = publications;
        for (final ExclusivePublication p : pubs)
        {
            if (!p.isConnected())
            {
                return false;
            }
        }
        return true;
    }

    /** False while this node's Aeron client has lost its media driver. */
    public boolean connected()
    {
        return !aeron.isClosed();
    }

    public long snapshotRecordsSent()
    {
        return snapshotRecordsSent.get();
    }

    public long snapshotRecordsApplied()
    {
        return snapshotRecordsApplied.get();
    }

    /** Send-to-apply lag percentile over the latest messages, nanoseconds; -1 with none. */
    public long lagNanos(final double percentile)
    {
        return lag.percentile(percentile);
    }

    /** Stops the agent (if started), detaches from the classifier and closes what the node opened. */
    @Override
    public void close()
    {
        if (runner != null)
        {
            runner.close();
        }
        classifier.flowEvents(null);
        CloseHelper.closeAll(publications);
        CloseHelper.close(subscription);
        if (ownsAeron)
        {
            CloseHelper.close(aeron);
        }
    }
}
