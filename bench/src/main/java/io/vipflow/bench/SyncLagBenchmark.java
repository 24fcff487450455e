package io.vipflow.bench;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.driver.ThreadingMode;
import io.vipflow.Decision;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.PacketTuple;
import io.vipflow.sync.SyncConfig;
import org.agrona.concurrent.status.CountersReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sync lag at 100,000 new flows per second: the time from a new flow's SYN on the sender balancer to its entry
 * being visible in the receiver's table, over one stream through an embedded media driver (UDP on 127.0.0.1, or
 * IPC), with the sync's defaults or another idle park and driver threading mode.
 * <p>
 * A data-plane thread of its own (the issuer) opens 100,000 new flows per second on the sender as a balancer's data
 * plane would: it parks until the next flows are due and opens every flow due when it wakes (the kernel wakes it
 * every 50–60 µs, so they come in bursts of about six). The benchmark thread is the probe: between samples it sleeps
 * (200–724 µs, not timed), then opens one more new flow and looks it up in the receiver's table until it is there;
 * the time from before its SYN to the first lookup that finds it is one sample. It parks between lookups, and the
 * kernel wakes it 50–60 µs later (its timer slack), so a sample overstates the lag by up to that much, never
 * understates it. A probe that spun instead held a core exactly while the change it waited for was on its way, and a
 * sync thread woken on that core waited for the probe: the figures showed the probe, not the sync. At the end of the trial the
 * benchmark prints the samples given up (none arrived within a second), the changes the ring dropped, the achieved
 * rate, the CPU each thread used over the measured iterations and how long it waited for a CPU when it woke
 * ({@link ThreadCpu}), and the driver's counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SyncLagBenchmark
{
    private static final long INTERVAL_NANOS = 10_000; // 100,000 new flows per second
    /** The issuer, woken late by more than this, skips the flows it missed rather than sending them in a burst. */
    private static final long MAX_BACKLOG_NANOS = 1_000_000L;
    private static final long GIVE_UP_NANOS = 1_000_000_000L;
    private static final long MIN_PAUSE_NANOS = 200_000L;
    private static final int PAUSE_SPREAD_MASK = (1 << 19) - 1; // up to 524 µs more

    @Param({SyncPair.UDP, SyncPair.IPC})
    public String transport;

    /** The longest the driver's threads and both agents sleep when idle ({@link SyncConfig#idleParkNanos}). */
    @Param({"100000"})
    public long idleParkNanos;

    @Param({"SHARED"})
    public ThreadingMode threading;

    private SyncPair pair;
    private Thread issuer;
    private volatile boolean running;
    private volatile long issued;
    private volatile long skipped;
    private final ThreadCpu cpu = new ThreadCpu();

    private final PacketTuple packet = new PacketTuple();
    private final Decision decision = new Decision();
    private final FlowKey key = new FlowKey();
    private final ConnView view = new ConnView();
    private int probeClient;
    private int random = 0x2545F491;
    private long givenUp;
    private long droppedAtStart;
    private boolean measuring;
    private long issuedAtStart;
    private long measuredIssued;
    private long measuredNanos;
    private long iterationStart;

    @Setup(Level.Trial)
    public void setUp()
    {
        // SYN_RECV lasts 2 s, so the tables hold about 200,000 entries.
        final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults()
            .withTcp(ConnState.tcpNext(ConnState.NONE, PacketTuple.TCP_SYN), 2_000_000_000L);
        pair = new SyncPair(transport, () -> BenchCluster.build("maglev", 100), timeouts, 1 << 19,
            SyncConfig.DEFAULT_RING_RECORDS, threading, idleParkNanos);
        droppedAtStart = pair.senderNode.recordsDropped();
        running = true;
        issuer = new Thread(this::issue, "lag-issuer");
        issuer.setDaemon(true);
        issuer.start();
    }

    /** The issuer's loop: every flow that is due, then park until the next one is. */
    private void issue()
    {
        final PacketTuple p = new PacketTuple();
        final Decision d = new Decision();
        int client = 0;
        long next = System.nanoTime();
        while (running)
        {
            final long now = System.nanoTime();
            if (now - next > MAX_BACKLOG_NANOS)
            {
                skipped += (now - next) / INTERVAL_NANOS;
                next = now;
            }
            while (next - now <= 0)
            {
                client++;
                p.setIpv4(PacketTuple.PROTO_TCP, 0x0d00_0000 + (client & 0x00FF_FFFF), 40000 + (client >>> 24),
                    BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
                pair.sender.classify(p, now, d);
                next += INTERVAL_NANOS;
                issued++;
            }
            LockSupport.parkNanos(next - now);
        }
    }

    @Setup(Level.Iteration)
    public void beginIteration(final IterationParams params)
    {
        measuring = params.getType() == IterationType.MEASUREMENT;
        if (measuring)
        {
            cpu.begin();
            issuedAtStart = issued;
            iterationStart = System.nanoTime();
        }
    }

    /** The pause between samples, not timed: 200–724 µs, varied so that samples fall at every phase of the parks. */
    @Setup(Level.Invocation)
    public void pause()
    {
        random ^= random << 13;
        random ^= random >>> 17;
        random ^= random << 5;
        LockSupport.parkNanos(MIN_PAUSE_NANOS + (random & PAUSE_SPREAD_MASK));
    }

    @Benchmark
    public boolean lag()
    {
        final long start = System.nanoTime();
        probeClient++;
        packet.setIpv4(PacketTuple.PROTO_TCP, 0x0e00_0000 + (probeClient & 0x00FF_FFFF), 40000 + (probeClient >>> 24),
            BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
        pair.sender.classify(packet, start, decision);
        key.setFrom(packet);
        while (true)
        {
            final long now = System.nanoTime();
            if (pair.receiver.connections().lookup(key, now, view))
            {
                return true;
            }
            if (now - start > GIVE_UP_NANOS)
            {
                givenUp++;
                return false;
            }
            LockSupport.parkNanos(1);
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        if (measuring)
        {
            cpu.end();
            measuredIssued += issued - issuedAtStart;
            measuredNanos += System.nanoTime() - iterationStart;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        issuer.join();
        System.out.println();
        System.out.printf("sync lag: %d samples given up (none arrived within 1 s), %d changes dropped by the ring, " +
                "%d lost, %d missed; %.0f new flows per second issued (%d skipped)%n", givenUp,
            pair.senderNode.recordsDropped() - droppedAtStart, pair.senderNode.recordsLost(),
            pair.receiverNode.messagesMissed(), measuredIssued * 1e9 / Math.max(1, measuredNanos), skipped);
        System.out.println("sync lag: send to apply (the sender's agent to the receiver's, latest messages) p50 " +
            pair.receiverNode.lagNanos(50) / 1000 + " µs, p99 " + pair.receiverNode.lagNanos(99) / 1000 + " µs");
        System.out.println("sync lag: threads over the measured iterations: " + cpu.report(
            "vipflow-sync-" + SyncPair.SENDER_ID, "sender agent", "vipflow-sync-" + SyncPair.RECEIVER_ID,
            "receiver agent", "/dev/shm/vipflo", "media driver", "io.vipflow.benc", "probe", "lag-issuer", "issuer"));
        // The driver's own counters (bytes, status messages, NAKs and retransmits if any, longest duty cycles).
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(pair.driverDirectory())))
        {
            final CountersReader counters = aeron.countersReader();
            counters.forEach((id, type, key, label) ->
            {
                if (type == AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID && counters.getCounterValue(id) != 0)
                {
                    System.out.println("sync lag: driver: " + label + " = " + counters.getCounterValue(id));
                }
            });
        }
        pair.close();
    }
}
