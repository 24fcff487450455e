package io.vipflow.bench;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.LinkType;
import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Classifying established TCP flows chosen at random among {@code flows} live flows, from parsed tuples and from
 * raw Ethernet frame bytes, one packet at a time and in batches of 16; and a new UDP flow (lookup miss, Maglev
 * pick, insert), with a 1 ms UDP timeout so that old entries expire and the table never fills.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ClassifyBenchmark
{
    private static final int FRAME_BYTES = 54;
    private static final int BATCH = 16;

    @Param({"10000", "1000000"})
    public int flows;

    private Classifier classifier;
    private final Decision decision = new Decision();
    private final PacketTuple tuple = new PacketTuple();
    private int[] clients;
    private int[] order;
    private int next;
    private UnsafeBuffer frames;
    private long now = 1_000_000_000L;
    private int newFlowCounter;
    private final PacketTuple[] batch = new PacketTuple[BATCH];
    private final PacketTuple[] batchScratch = new PacketTuple[BATCH];
    private final Decision[] batchOut = new Decision[BATCH];
    private final int[] frameOffsets = new int[BATCH];
    private final int[] frameLengths = new int[BATCH];

    @Setup
    public void setUp()
    {
        for (int k = 0; k < BATCH; k++)
        {
            batch[k] = new PacketTuple();
            batchOut[k] = new Decision();
            frameLengths[k] = FRAME_BYTES;
        }
        classifier = new Classifier(BenchCluster.build("maglev", 100), ClassifierConfig.defaults()
            .withConnectionCapacity(flows + flows / 2 + 65536).withAffinityCapacity(1024)
            .withTimeouts(ConnTimeouts.ipvsDefaults().withUdp(1_000_000L)));
        clients = new int[flows];
        for (int i = 0; i < flows; i++)
        {
            clients[i] = 0x0b000000 + i;
            tuple.setIpv4(PacketTuple.PROTO_TCP, clients[i], 40000, BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
            classifier.classify(tuple, now, decision);
            tuple.flags = PacketTuple.TCP_ACK;
            classifier.classify(tuple, now, decision);
        }
        // A fixed random visiting order: consecutive packets touch unrelated cache lines, as on a busy link.
        order = new int[1 << 16];
        long x = 12345;
        for (int i = 0; i < order.length; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            order[i] = (int)Long.remainderUnsigned(x >>> 17, flows);
        }
        frames = new UnsafeBuffer(new byte[order.length * FRAME_BYTES]);
        for (int i = 0; i < order.length; i++)
        {
            Frames.tcpIpv4(frames, i * FRAME_BYTES, clients[order[i]], 40000, BenchCluster.TCP_VIP, 80,
                PacketTuple.TCP_ACK);
        }
    }

    @TearDown
    public void tearDown()
    {
        classifier.close();
    }

    @Benchmark
    public Decision establishedTuple()
    {
        final int i = next++ & (order.length - 1);
        tuple.setIpv4(PacketTuple.PROTO_TCP, clients[order[i]], 40000, BenchCluster.TCP_VIP, 80, PacketTuple.TCP_ACK);
        classifier.classify(tuple, now, decision);
        return decision;
    }

    @Benchmark
    public Decision establishedFrame()
    {
        final int i = next++ & (order.length - 1);
        classifier.classifyFrame(frames, i * FRAME_BYTES, FRAME_BYTES, FRAME_BYTES, LinkType.ETHERNET, now, decision);
        return decision;
    }

    /** Sixteen established packets per call through the batch API; the score is per packet. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Decision[] establishedTupleBatch()
    {
        for (int k = 0; k < BATCH; k++)
        {
            final int i = next++ & (order.length - 1);
            batch[k].setIpv4(PacketTuple.PROTO_TCP, clients[order[i]], 40000, BenchCluster.TCP_VIP, 80,
                PacketTuple.TCP_ACK);
        }
        classifier.classifyBatch(batch, BATCH, now, batchOut);
        return batchOut;
    }

    /** Sixteen established frames per call through the batch API; the score is per packet. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Decision[] establishedFrameBatch()
    {
        final int first = next & (order.length - 1) & ~(BATCH - 1);
        next += BATCH;
        for (int k = 0; k < BATCH; k++)
        {
            frameOffsets[k] = (first + k) * FRAME_BYTES;
        }
        classifier.classifyFrames(frames, frameOffsets, frameLengths, BATCH, LinkType.ETHERNET, now, batchOut,
            batchScratch);
        return batchOut;
    }

    @Benchmark
    public Decision newUdpFlow()
    {
        final int n = newFlowCounter++;
        now += 1_000;
        tuple.setIpv4(PacketTuple.PROTO_UDP, 0x0c000000 + (n >>> 14), 1024 + (n & 0x3fff), BenchCluster.UDP_VIP, 53, 0);
        classifier.classify(tuple, now, decision);
        return decision;
    }
}
