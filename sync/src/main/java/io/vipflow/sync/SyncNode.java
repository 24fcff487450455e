package io.vipflow.sync;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.vipflow.Classifier;
import io.vipflow.FlowEvents;
import io.vipflow.SyncedFlows;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.MessageHandler;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One balancer's end of the connection sync. It installs a {@link SyncRing} as the classifier's
 * {@link FlowEvents}, so the data plane only offers its changes into preallocated memory; its agent takes them
 * from the ring, batches them into messages and offers each message to every peer's publication. What peers send is
 * applied by its {@link SyncReceiver} through {@link SyncedFlows}; whole tables (a peer's request, and every
 * {@link SyncConfig#refreshPeriodNanos()} the refresh to every peer, so that peers' timers follow flows that live
 * long without changing state) are read by its {@link TableScan} a few hundred slots at a time between live batches;
 * with {@link SyncConfig#catchUp()} it asks for the table at start, until one arrives whole. This class holds the
 * channels (and connects again after losing the driver) and the order of the messages it sends.
 * <p>
 * Thread contract: the constructor and {@link #close} on one thread; the agent ({@link #doWork}) on one thread,
 * its own after {@link #start}; the counters and {@link #lastSequenceFrom} from any thread.
 */
public final class SyncNode implements Agent, AutoCloseable
{
    /** A message that waits for a back-pressured peer longer than this is given up for that peer. */
    private static final long OFFER_DEADLINE_NANOS = 50_000_000L;
    private static final int POLL_LIMIT = 16;
    /** How long a client waits for a silent driver before it counts it as gone. */
    static final long DRIVER_TIMEOUT_MS = 1_000;
    private static final long RECONNECT_INTERVAL_NANOS = 250_000_000L;
    private static final AtomicLong DRIVER_ERRORS = new AtomicLong();

    private final SyncConfig config;
    private final long id;
    private final Classifier classifier;
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
    private final MessageHandler taker = this::takeRecord;
    private final TableScan scan;
    private final SyncReceiver receiver;

    private boolean pending;
    private int outRecords;
    private long pendingSince;
    private long pendingRingPosition = -1;
    private long sequence;
    private AgentRunner runner;

    private volatile long flushedRingPosition;
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong recordsLost = new AtomicLong();
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
        final SyncedFlows flows = new SyncedFlows(classifier);
        this.scan = new TableScan(flows, config.clock(), config.refreshPeriodNanos());
        this.receiver = new SyncReceiver(id, flows, config.clock(), scan, config.catchUp());
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
        this.assembler = new FragmentAssembler(receiver);
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

    /**
     * Builds the next message: a catch-up request; the begin marker of a table a peer asked for; then table batches
     * and live batches in turn.
     */
    private void prepare()
    {
        final long now = System.nanoTime();
        if (receiver.requestDue(now))
        {
            begin(SyncWire.KIND_SNAPSHOT_REQUEST, 0);
            return;
        }
        if (scan.startNext(now))
        {
            begin(SyncWire.KIND_SNAPSHOT_BEGIN, scan.addressee());
            return;
        }
        if (scan.active() && (sequence & 1) == 0)
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
        else if (scan.active())
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
        final long addressee = scan.addressee();
        final boolean marked = scan.forRequester();
        final int records = scan.step(out, SyncWire.HEADER_LENGTH, maxRecords);
        if (records > 0)
        {
            outRecords = records;
            finishBegin(SyncWire.KIND_SNAPSHOT, addressee);
        }
        else if (records < 0 && marked)
        {
            begin(SyncWire.KIND_SNAPSHOT_END, addressee);
        }
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
        final PeerState p = receiver.find(peer);
        return p == null ? -1 : p.lastSequence;
    }

    /** Update records received from {@code peer} (table records for catch-up not included). */
    public long recordsFrom(final long peer)
    {
        final PeerState p = receiver.find(peer);
        return p == null ? 0 : p.records;
    }

    /** Messages from peers that never arrived (gaps in their sequences). */
    public long messagesMissed()
    {
        return receiver.messagesMissed();
    }

    /** True once a peer's whole table has arrived (always true without {@link SyncConfig#catchUp()}). */
    public boolean caughtUp()
    {
        return receiver.caughtUp();
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
        return receiver.recordsApplied.get();
    }

    /** Peer records that met a local entry with another backend, which stayed. */
    public long recordsKept()
    {
        return receiver.recordsKept.get();
    }

    /** Peer records for a frontend this node does not have, for a full table, or removals of absent entries. */
    public long recordsUnmatched()
    {
        return receiver.recordsUnmatched.get();
    }

    /** Catch-up tables that arrived with messages missing, and were asked for again. */
    public long tablesIncomplete()
    {
        return receiver.tablesIncomplete.get();
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
        return scan.recordsSent();
    }

    public long snapshotRecordsApplied()
    {
        return receiver.snapshotRecordsApplied.get();
    }

    /** Send-to-apply lag percentile over the latest messages, nanoseconds; -1 with none. */
    public long lagNanos(final double percentile)
    {
        return receiver.lagNanos(percentile);
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
