package io.vipflow.sync;

import io.vipflow.FlowEvents;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.concurrent.MessageHandler;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the data plane leaves its flow changes for the sync sender: one {@link SyncLane} per data-plane thread, a
 * single-producer ring of preallocated direct memory holding {@link SyncWire} records, one cache line each. An offer
 * writes the record into its thread's next slot with plain stores and publishes it with one release store: no
 * allocation, no lock, no atomic read-modify-write, no wait. When the lane is full the change is dropped and counted,
 * never the packet.
 * <p>
 * Why a lane per thread and not one many-to-one ring: the many-to-one claim is a compare-and-swap on the shared tail,
 * and on x86 a locked instruction waits until every earlier store of the thread has reached the cache, so each new
 * flow waited for the previous record's stores, which miss (the sender read those lines last); a release store waits
 * for nothing. Changes of one thread keep their order; changes of
 * different threads are taken lane by lane (a flow whose packets two threads classify at once could have its changes
 * reordered by a shared ring too, since each change is offered after the table was changed).
 * <p>
 * A lane is created the first time a thread offers (once per thread: allocation there, never per change) and
 * returned when its thread has ended and the sender has emptied it. Each lane holds {@code records} changes
 * ({@link SyncConfig#DEFAULT_RING_RECORDS} by default).
 * <p>
 * The sender takes changes with {@link #take}, which keeps it away from the cache lines the data plane is writing: a
 * reader that follows the writer closely reads each record's line while it is being written, and every such line
 * then costs the writing core a transfer back. So while fewer than a message's worth of changes wait, it takes them
 * at most once per flush interval; a full message's worth it takes at once.
 * <p>
 * The classifier does not look the lane up per change: each data-plane thread's {@link io.vipflow.Decision} asks
 * {@link #forThread()} once and keeps the lane, whose {@link SyncLane#flowEvent} checks that its caller is its owner
 * (a pointer comparison) and otherwise goes through {@link #flowEvent}, the thread-local lookup. Measured
 * ({@code SyncHookBenchmark}, bench/RESULTS.md "Connection sync"): the lane's raw stores took about 10 ns per new
 * flow off what the buffer's bounds-checked stores cost; the two ways to the lane cost the same within the noise.
 * <p>
 * Thread contract: {@link #flowEvent}, {@link #forThread} and {@link #offer} from any number of data-plane threads at
 * once;
 * {@link #take} from one thread, the sender; {@link #dropped()}, {@link #pending()}, {@link #offeredPosition()} from
 * any thread.
 */
public final class SyncRing implements FlowEvents
{
    /** The type id {@link #take} hands its handler with each record. */
    static final int MSG_TYPE = 1;
    /** How often the sender looks for lanes whose thread has ended. */
    private static final long RECLAIM_INTERVAL_NANOS = 1_000_000_000L;

    private final int laneRecords;
    private final long flushIntervalNanos;
    private final ThreadLocal<SyncLane> lane = ThreadLocal.withInitial(this::addLane);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Lanes lanes = new Lanes(new SyncLane[0], 0);

    // The sender's.
    private long lastDrainedNanos;
    private long lastReclaimNanos;
    private boolean backlog;
    private int firstLane;

    /** A ring with the default flush interval, {@link SyncConfig#DEFAULT_FLUSH_INTERVAL_NANOS}. */
    public SyncRing(final int records)
    {
        this(records, SyncConfig.DEFAULT_FLUSH_INTERVAL_NANOS);
    }

    /**
     * @param records            how many records each thread's lane holds (rounded up to a power of two)
     * @param flushIntervalNanos how often at most {@link #take} takes less than a full message's worth
     */
    public SyncRing(final int records, final long flushIntervalNanos)
    {
        this.flushIntervalNanos = flushIntervalNanos;
        this.lastDrainedNanos = System.nanoTime() - flushIntervalNanos;
        this.lastReclaimNanos = System.nanoTime();
        this.laneRecords = records;
    }

    /** The calling thread's change, through a thread-local lookup of its lane; the classifier uses {@link #forThread}. */
    @Override
    public void flowEvent(final int type, final FlowKey key, final Backend backend, final int state,
        final long ttlNanos)
    {
        if (!offer(type, key, backend, state, ttlNanos))
        {
            dropped.incrementAndGet();
        }
    }

    /** The calling thread's lane, created on its first call: the classifier keeps it with the thread's decision. */
    @Override
    public FlowEvents forThread()
    {
        return lane.get();
    }

    void countDropped()
    {
        dropped.incrementAndGet();
    }

    /** Leaves one change in the calling thread's lane; false (nothing counted) when the lane is full. */
    public boolean offer(final int type, final FlowKey key, final Backend backend, final int state,
        final long ttlNanos)
    {
        return lane.get().offer(type, key, backend, state, ttlNanos);
    }

    private SyncLane addLane()
    {
        final SyncLane created = new SyncLane(this, Thread.currentThread(), laneRecords);
        synchronized (this)
        {
            final Lanes current = lanes;
            final SyncLane[] grown = Arrays.copyOf(current.lanes, current.lanes.length + 1);
            grown[current.lanes.length] = created;
            lanes = new Lanes(grown, current.retiredPosition);
        }
        return created;
    }

    /**
     * Hands up to {@code maxRecords} changes to {@code handler}, lane by lane: at once when the previous take found a
     * full batch (more may wait), otherwise only once {@code flushIntervalNanos} have passed since the lanes were last
     * emptied; the sender's thread only.
     *
     * @return the changes taken
     */
    public int take(final MessageHandler handler, final int maxRecords, final long nowNanos)
    {
        if (!backlog && nowNanos - lastDrainedNanos < flushIntervalNanos)
        {
            return 0;
        }
        final SyncLane[] all = lanes.lanes;
        int taken = 0;
        // Start at another lane each time, so that a busy lane does not keep the others waiting.
        for (int i = 0; i < all.length && taken < maxRecords; i++)
        {
            taken += all[(firstLane + i) % all.length].read(handler, maxRecords - taken);
        }
        firstLane = all.length == 0 ? 0 : (firstLane + 1) % all.length;
        backlog = taken == maxRecords;
        if (!backlog)
        {
            lastDrainedNanos = nowNanos;
            if (nowNanos - lastReclaimNanos > RECLAIM_INTERVAL_NANOS)
            {
                lastReclaimNanos = nowNanos;
                reclaim();
            }
        }
        return taken;
    }

    /** Drops the lanes whose thread has ended (nothing more will be written there) once they are empty. */
    private synchronized void reclaim()
    {
        final Lanes current = lanes;
        SyncLane[] kept = current.lanes;
        long retired = current.retiredPosition;
        for (final SyncLane l : current.lanes)
        {
            if (!l.owner.isAlive() && l.size() == 0)
            {
                retired += l.offeredPosition();
                kept = Arrays.stream(kept).filter(k -> k != l).toArray(SyncLane[]::new);
            }
        }
        if (kept != current.lanes)
        {
            lanes = new Lanes(kept, retired);
        }
    }

    /** Changes dropped because a lane was full. */
    public long dropped()
    {
        return dropped.get();
    }

    /** Changes offered and not yet taken by the sender (approximate while producers run). */
    public long pending()
    {
        long pending = 0;
        for (final SyncLane l : lanes.lanes)
        {
            pending += l.size();
        }
        return pending;
    }

    /**
     * A position that grows with every change offered: the sum of the lanes' tails and those of the
     * lanes returned. {@link #takenPosition()} reaches it when the sender has taken everything offered before.
     */
    public long offeredPosition()
    {
        final Lanes current = lanes;
        long position = current.retiredPosition;
        for (final SyncLane l : current.lanes)
        {
            position += l.offeredPosition();
        }
        return position;
    }

    /** The same sum over the lanes' heads; exact on the sender's thread. */
    public long takenPosition()
    {
        final Lanes current = lanes;
        long position = current.retiredPosition;
        for (final SyncLane l : current.lanes)
        {
            position += l.takenPosition();
        }
        return position;
    }

    /** Lanes in use: one per data-plane thread that has offered and not ended. */
    public int lanes()
    {
        return lanes.lanes.length;
    }

    /** The lanes and the positions of those returned, replaced as a whole so that readers see both at once. */
    private record Lanes(SyncLane[] lanes, long retiredPosition)
    {
    }
}
