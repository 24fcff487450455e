package io.vipflow.bench;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Full classification from raw Ethernet frame bytes (parse, frontend, flow lookup, on a miss Maglev pick and
 * insert) for vipflow's {@code Classifier} ({@code impl=ConnTable}) and for the same pipeline over Chronicle Map,
 * {@code ConcurrentHashMap} and {@code NonBlockingHashMapLong} ({@link Pipeline}); one thread here,
 * {@link ClassifyTwoThreadsBenchmark} for two sharing one pipeline. Every pipeline holds the same {@code flows}
 * established TCP flows ({@link ConnTrackFlows}) to one Service of 100 backends, and sees the same packets in the
 * same order:
 * <ul>
 * <li>{@code established}: an ACK of a resident flow, flows in a fixed random order (consecutive packets touch
 * unrelated memory, as on a busy link); each restarts its flow's timer. With two threads each thread has its own
 * half of the flows, as a NIC's receive-side scaling steers every flow to one core; the table is shared.</li>
 * <li>{@code newFlow}: a SYN from a client the table does not hold live: lookup miss, Maglev pick, insert. Each
 * thread cycles through its own 65,536 clients; SYN_RECV lasts 1 ms of the benchmark clock, so a client's previous
 * entry has expired when it comes round again and the table's load stays constant. At 1M flows the insert replaces
 * the client's own expired entry; at 10k flows the table (room for 24,096 entries) cannot keep 65,536 clients'
 * entries, so the insert evicts another client's expired entry from a full pair of buckets.</li>
 * <li>{@code mix}: 90 % {@code established}, 10 % {@code newFlow}, interleaved in a fixed random pattern.</li>
 * <li>{@code *Batch}: the same packets 16 at a time through the batch API (vipflow: {@code classifyFrames}, which
 * hashes all, then probes all; the baselines classify a batch frame by frame). The score is per packet.</li>
 * </ul>
 * The benchmark clock advances 100 ns per packet, so every packet restarts its flow's timer; the table is written
 * when the restarted deadline passes the entry's by the refresh grain ({@code ConnTimeouts}), in every pipeline
 * alike. Every benchmark is per packet; vipflow's must allocate nothing ({@code -prof gc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true"})
public class ClassifyBenchmark
{
    static final int FRAME_BYTES = 54;
    static final int BATCH = 16;
    static final long START_NANOS = 1_000_000_000L;
    static final long STEP_NANOS = 100;
    /** Established frames each lane checks at setup. */
    static final int CHECKED = 4096;
    static final int SYN_STATE = ConnState.tcpNext(ConnState.NONE, PacketTuple.TCP_SYN);

    @Param({Pipeline.VIPFLOW, Pipeline.CHRONICLE, Pipeline.CONCURRENT_HASH_MAP, Pipeline.NON_BLOCKING_HASH_MAP_LONG})
    public String impl;

    @Param({"10000", "1000000"})
    public int flows;

    ConnTrackFlows data;
    Pipeline pipeline;

    @Setup(Level.Trial)
    public void setUp()
    {
        data = new ConnTrackFlows(flows);
        final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults().withTcp(SYN_STATE, 1_000_000L);
        pipeline = Pipeline.create(impl, BenchCluster.build("maglev", 100), timeouts, ConnTrackFlows.capacity(flows));
        final long start = System.nanoTime();
        final Pipeline.Lane lane = pipeline.lane();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_BYTES]);
        for (int i = 0; i < flows; i++)
        {
            final int client = (int)data.srcLo[i];
            Frames.tcpIpv4(frame, 0, client, data.srcPort[i], BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
            if (lane.classifyFrame(frame, 0, FRAME_BYTES, START_NANOS) < 0 || !lane.created())
            {
                throw new IllegalStateException(impl + " refused resident flow " + i);
            }
            Frames.tcpIpv4(frame, 0, client, data.srcPort[i], BenchCluster.TCP_VIP, 80, PacketTuple.TCP_ACK);
            lane.classifyFrame(frame, 0, FRAME_BYTES, START_NANOS);
        }
        System.out.printf("%n%s: %,d flows established in %.2f s%n", impl, flows, (System.nanoTime() - start) / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
    }

    /**
     * One benchmark thread's lane into the pipeline, its frames and its clock. The frames sit in one buffer, as in
     * a receive ring: {@link ConnTrackFlows#ORDER} established ACKs in visiting order, then this thread's
     * {@link ConnTrackFlows#FRESH} new-flow SYNs.
     */
    @State(Scope.Thread)
    public static class Lane
    {
        Pipeline.Lane lane;
        UnsafeBuffer frames;
        final boolean[] mixNew = new boolean[ConnTrackFlows.ORDER];
        final int[] offsets = new int[BATCH];
        final int[] lengths = new int[BATCH];
        long now = START_NANOS;
        int next;
        int nextFresh;

        @Setup(Level.Trial)
        public void setUp(final ClassifyBenchmark bench, final ThreadParams thread)
        {
            final ConnTrackFlows d = bench.data;
            final int t = thread.getThreadIndex();
            final int threads = thread.getThreadCount();
            lane = bench.pipeline.lane();
            frames = new UnsafeBuffer(new byte[(ConnTrackFlows.ORDER + ConnTrackFlows.FRESH) * FRAME_BYTES]);
            // As receive-side scaling would: each thread sees its own share of the flows, in the fixed random order.
            for (int i = 0, j = 0; i < ConnTrackFlows.ORDER; j++)
            {
                final int flow = d.order[j & (ConnTrackFlows.ORDER - 1)];
                if (flow % threads == t)
                {
                    Frames.tcpIpv4(frames, i * FRAME_BYTES, (int)d.srcLo[flow], d.srcPort[flow], BenchCluster.TCP_VIP,
                        80, PacketTuple.TCP_ACK);
                    i++;
                }
            }
            for (int i = 0; i < ConnTrackFlows.FRESH; i++)
            {
                Frames.tcpIpv4(frames, (ConnTrackFlows.ORDER + i) * FRAME_BYTES, (int)d.fresh[t][i],
                    ConnTrackFlows.FRESH_PORT, BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
            }
            long x = 0x9E3779B97F4A7C15L * (t + 1);
            for (int i = 0; i < mixNew.length; i++)
            {
                x = x * 6364136223846793005L + 1442695040888963407L;
                mixNew[i] = Long.remainderUnsigned(x >>> 17, 10) == 0;
            }
            Arrays.fill(lengths, FRAME_BYTES);
            // Established packets must find their flows: the benchmark measures hits, not a miss path.
            for (int i = 0; i < CHECKED; i++)
            {
                if (lane.classifyFrame(frames, i * FRAME_BYTES, FRAME_BYTES, now) < 0 || lane.created())
                {
                    throw new IllegalStateException(bench.impl + ": established frame " + i + " missed its flow");
                }
            }
        }

        int establishedOffset()
        {
            return (next++ & (ConnTrackFlows.ORDER - 1)) * FRAME_BYTES;
        }

        int freshOffset()
        {
            return (ConnTrackFlows.ORDER + (nextFresh++ & (ConnTrackFlows.FRESH - 1))) * FRAME_BYTES;
        }

        /** The next packet of the 90/10 mix: a new flow where the pattern says so, else the next established one. */
        int mixOffset()
        {
            final int i = next++ & (ConnTrackFlows.ORDER - 1);
            return mixNew[i] ? freshOffset() : i * FRAME_BYTES;
        }
    }

    @Benchmark
    public int established(final Lane l)
    {
        return l.lane.classifyFrame(l.frames, l.establishedOffset(), FRAME_BYTES, l.now += STEP_NANOS);
    }

    @Benchmark
    public int newFlow(final Lane l)
    {
        return l.lane.classifyFrame(l.frames, l.freshOffset(), FRAME_BYTES, l.now += STEP_NANOS);
    }

    @Benchmark
    public int mix(final Lane l)
    {
        return l.lane.classifyFrame(l.frames, l.mixOffset(), FRAME_BYTES, l.now += STEP_NANOS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int establishedBatch(final Lane l)
    {
        for (int k = 0; k < BATCH; k++)
        {
            l.offsets[k] = l.establishedOffset();
        }
        return l.lane.classifyFrames(l.frames, l.offsets, l.lengths, BATCH, l.now += BATCH * STEP_NANOS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int newFlowBatch(final Lane l)
    {
        for (int k = 0; k < BATCH; k++)
        {
            l.offsets[k] = l.freshOffset();
        }
        return l.lane.classifyFrames(l.frames, l.offsets, l.lengths, BATCH, l.now += BATCH * STEP_NANOS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int mixBatch(final Lane l)
    {
        for (int k = 0; k < BATCH; k++)
        {
            l.offsets[k] = l.mixOffset();
        }
        return l.lane.classifyFrames(l.frames, l.offsets, l.lengths, BATCH, l.now += BATCH * STEP_NANOS);
    }
}
