package io.vipflow.sync;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * How a {@link SyncNode} reaches its peers. Within one JVM every node may listen and publish on
 * {@code aeron:ipc}; between processes each node listens on its own UDP endpoint and publishes to each peer's.
 * <p>
 * Thread contract: immutable; the {@code with*} methods return a copy.
 *
 * @param aeronDirectory   the media driver's directory
 * @param listenChannel    the channel this node subscribes to
 * @param peerChannels     the channels this node publishes to (one publication each)
 * @param streamId         the Aeron stream id of sync messages
 * @param ringRecords      changes each data-plane thread may leave for the sender before its further ones are dropped
 *                         (its lane of the {@link SyncRing}; rounded up to a power of two)
 * @param catchUp          ask peers for their tables at start
 * @param clock            now in nanoseconds on the classifier's clock (the same the data plane passes)
 * @param instanceId       this node's id on the wire, unique in the fleet (random by default)
 * @param refreshPeriodNanos how often (wall clock) the whole table is sent to every peer again, so that their
 *                         copies of flows that stay long in one state do not expire; 0 never
 * @param idleParkNanos    the longest the node's agent sleeps when it finds nothing to do (it spins, then yields,
 *                         then parks for doubling periods up to this); 0 never sleeps: the lowest lag, and a whole
 *                         core for the agent. See {@link #DEFAULT_IDLE_PARK_NANOS}
 * @param flushIntervalNanos while fewer changes than a message holds wait in the ring, the agent takes them at most
 *                         this often ({@link SyncRing#take}); longer costs the data plane less at high rates of new
 *                         flows and adds up to this to the lag. See {@link #DEFAULT_FLUSH_INTERVAL_NANOS}
 */
public record SyncConfig(String aeronDirectory, String listenChannel, List<String> peerChannels, int streamId,
    int ringRecords, boolean catchUp, LongSupplier clock, long instanceId, long refreshPeriodNanos,
    long idleParkNanos, long flushIntervalNanos)
{
    /** A minute: well inside the shortest long-lived timeout (IPVS's 15 minutes for ESTABLISHED). */
    public static final long DEFAULT_REFRESH_NANOS = 60_000_000_000L;

    public static final String IPC = "aeron:ipc";
    public static final int DEFAULT_STREAM = 1601;
    /**
     * 65,536 changes per data-plane thread (4 MiB): 0.65 s of 100,000 new flows per second on one thread if the sender
     * stalls, 13 ms at the 5 million a thread could offer at most. Measured against 8,192: a new flow cost the same with
     * either, and only the smaller one dropped changes, at millions of new flows per second and behind a driver that
     * stalled (bench/RESULTS.md, "Connection sync").
     */
    public static final int DEFAULT_RING_RECORDS = 1 << 16;
    /**
     * 100 µs. A change waits for the sender's and the receiver's wake-up (and the driver's, see {@link SyncDriver}),
     * each at most this plus the kernel's timer slack (50 µs by default), and less while changes come often; shorter
     * parks buy little (none below the timer slack) and cost wake-ups. docs/SYNC.md gives the measured lag and CPU per
     * setting.
     */
    public static final long DEFAULT_IDLE_PARK_NANOS = 100_000L;
    /**
     * 20 µs: at a few million new flows per second the agent takes a hundred or so changes at a time instead of each
     * as it is written; below the kernel's 50 µs timer slack, so an agent that parks between changes adds nothing.
     */
    public static final long DEFAULT_FLUSH_INTERVAL_NANOS = 20_000L;

    public SyncConfig
    {
        peerChannels = List.copyOf(peerChannels);
        if (instanceId == 0 || ringRecords < 1 || idleParkNanos < 0 || flushIntervalNanos < 0)
        {
            throw new IllegalArgumentException("instance id must not be 0, the ring needs at least one record, and " +
                "the idle park and flush interval must not be negative");
        }
    }

    /** Every node of one JVM on {@code aeron:ipc}, with {@link System#nanoTime()} as the clock. */
    public static SyncConfig ipc(final String aeronDirectory)
    {
        return new SyncConfig(aeronDirectory, IPC, List.of(IPC), DEFAULT_STREAM, DEFAULT_RING_RECORDS, false,
            System::nanoTime, randomId(), DEFAULT_REFRESH_NANOS, DEFAULT_IDLE_PARK_NANOS,
            DEFAULT_FLUSH_INTERVAL_NANOS);
    }

    /**
     * Listening on UDP {@code listen} ({@code host:port}) and sending to each peer's endpoint, with
     * {@link System#nanoTime()} as the clock.
     */
    public static SyncConfig udp(final String aeronDirectory, final String listen, final List<String> peers)
    {
        return new SyncConfig(aeronDirectory, udpChannel(listen), peers.stream().map(SyncConfig::udpChannel).toList(),
            DEFAULT_STREAM, DEFAULT_RING_RECORDS, false, System::nanoTime, randomId(), DEFAULT_REFRESH_NANOS,
            DEFAULT_IDLE_PARK_NANOS, DEFAULT_FLUSH_INTERVAL_NANOS);
    }

    /** A unicast channel to {@code host:port}; loopback carries 8 KiB frames, so batches travel in fewer frames. */
    public static String udpChannel(final String endpoint)
    {
        return "aeron:udp?endpoint=" + endpoint + "|mtu=8192";
    }

    public SyncConfig withCatchUp(final boolean on)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, on, clock,
            instanceId, refreshPeriodNanos, idleParkNanos, flushIntervalNanos);
    }

    public SyncConfig withClock(final LongSupplier nanos)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, catchUp, nanos,
            instanceId, refreshPeriodNanos, idleParkNanos, flushIntervalNanos);
    }

    public SyncConfig withRingRecords(final int records)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, records, catchUp, clock,
            instanceId, refreshPeriodNanos, idleParkNanos, flushIntervalNanos);
    }

    public SyncConfig withRefreshPeriod(final long nanos)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, catchUp, clock,
            instanceId, nanos, idleParkNanos, flushIntervalNanos);
    }

    public SyncConfig withInstanceId(final long id)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, catchUp, clock, id,
            refreshPeriodNanos, idleParkNanos, flushIntervalNanos);
    }

    /** The agent's idle park, see {@link #idleParkNanos()}. */
    public SyncConfig withIdleParkNanos(final long nanos)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, catchUp, clock,
            instanceId, refreshPeriodNanos, nanos, flushIntervalNanos);
    }

    /** The agent's flush interval, see {@link #flushIntervalNanos()}. */
    public SyncConfig withFlushIntervalNanos(final long nanos)
    {
        return new SyncConfig(aeronDirectory, listenChannel, peerChannels, streamId, ringRecords, catchUp, clock,
            instanceId, refreshPeriodNanos, idleParkNanos, nanos);
    }

    /**
     * A fresh idle strategy for the node's agent, which should sleep at most {@code maxParkNanos} when idle (0: spin):
     * {@link #idleStrategy(long, long)} with Agrona's default 10 spins, cheap for an agent whose idle work is a few
     * memory reads.
     */
    public static IdleStrategy idleStrategy(final long maxParkNanos)
    {
        return idleStrategy(BackoffIdleStrategy.DEFAULT_MAX_SPINS, maxParkNanos);
    }

    /**
     * A fresh idle strategy that spins {@code maxSpins} times, then parks for doubling periods from 1 µs up to
     * {@code maxParkNanos} (0: spins for good). It never yields: on a host whose cores are all busy, a yield hands the
     * core to whatever else is runnable for up to a whole time slice (milliseconds), while a park ends on its timer (up
     * to the kernel's 50 µs timer slack late) whatever else runs.
     */
    public static IdleStrategy idleStrategy(final long maxSpins, final long maxParkNanos)
    {
        return maxParkNanos == 0 ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(maxSpins, 0, Math.min(1_000, maxParkNanos), maxParkNanos);
    }

    private static long randomId()
    {
        long id;
        do
        {
            id = ThreadLocalRandom.current().nextLong();
        }
        while (id == 0);
        return id;
    }
}
