package io.vipflow.bench;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.PacketTuple;
import io.vipflow.sync.SyncRing;
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

import java.util.concurrent.TimeUnit;

/**
 * What connection sync adds to a new flow on the data-plane thread: a SYN from a client the table does not hold
 * (lookup miss, Maglev pick, insert), classified with sync {@code off} (no listener) and {@code on} (the change
 * offered into a {@link SyncRing}, which a second thread empties as a sync node's agent does). The difference of the
 * two scores is the cost added per new flow. Clients cycle through 65,536; SYN_RECV lasts 1 ms of the benchmark
 * clock (100 ns per packet), so a client's previous entry has expired when it comes round again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SyncNewFlowBenchmark
{
    private static final int CLIENTS = 1 << 16;

    @Param({"off", "on"})
    public String sync;

    /** Each lane's size with sync on: the default ({@code -p ringRecords=...} shows what other sizes cost). */
    @Param({"65536"})
    public int ringRecords;

    private Classifier classifier;
    private SyncRing ring;
    private RingDrainer drainer;
    private final PacketTuple packet = new PacketTuple();
    private final Decision decision = new Decision();
    private long now = 1_000_000_000L;
    private int client;

    @Setup(Level.Trial)
    public void setUp()
    {
        final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults()
            .withTcp(ConnState.tcpNext(ConnState.NONE, PacketTuple.TCP_SYN), 1_000_000L);
        classifier = new Classifier(BenchCluster.build("maglev", 100), ClassifierConfig.defaults()
            .withConnectionCapacity(1 << 17).withAffinityCapacity(16).withTimeouts(timeouts));
        if (sync.equals("on"))
        {
            ring = new SyncRing(ringRecords);
            classifier.flowEvents(ring);
            drainer = RingDrainer.start(ring);
        }
    }

    @Benchmark
    public int newFlow()
    {
        client = (client + 1) & (CLIENTS - 1);
        packet.setIpv4(PacketTuple.PROTO_TCP, 0x0b00_0000 + client, 40000, BenchCluster.TCP_VIP, 80,
            PacketTuple.TCP_SYN);
        classifier.classify(packet, now += 100, decision);
        return decision.backend().port;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        if (drainer != null)
        {
            drainer.close();
        }
        classifier.close();
    }
}
