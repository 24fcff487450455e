package io.vipflow.bench;

import io.vipflow.Decision;
import io.vipflow.FlowEvents;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.sync.SyncConfig;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The data-plane side of connection sync alone: what the classifier does for each new flow after its insert, as in
 * {@code Classifier}'s creation path: load the {@link FlowEvents} field and, with sync {@code on}, hand the change to
 * what the thread's {@link Decision} keeps for it ({@link Decision#flowEvents}: the thread's lane of the
 * {@link SyncRing} a sync node installs, default size unless {@code ringRecords} says otherwise), which a
 * {@link RingDrainer} empties as the node's agent does; with sync {@code off} the field is null.
 * {@code hand=threadLocal} offers through the ring's own thread-local lookup of the lane instead, as a caller without
 * a decision does. Each operation also does the same fixed work and writes the key of the next flow, in both cases,
 * so the difference of the two scores is what sync adds per new flow, without
 * the table's cache misses that hide it in {@link SyncNewFlowBenchmark} (a new flow there costs 600 ns, give or take
 * 50).
 * <p>
 * {@code cpu.time.norm} counts the draining thread too; the score is the data-plane thread's time. A ring that fills
 * (the draining thread fell behind) would turn offers into cheaper drops: the drops are printed at the end if there are
 * any, and a run with any is not a measure of the offer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SyncHookBenchmark
{
    private static final long TTL_NANOS = 60_000_000_000L;
    /**
     * Work that stands for the rest of a new flow (parsing, lookup miss, pick, insert: 320 ns in
     * {@code ClassifyBenchmark.newFlow} at 10,000 flows), the same with sync on and off: it spaces the offers as a
     * data plane does, instead of back to back, where the draining thread would read each record's cache line while
     * the next is written into it.
     */
    private static final long REST_OF_FLOW_TOKENS = 100;

    @Param({"off", "on"})
    public String sync;

    /** Changes per lane; the default is {@link SyncConfig#DEFAULT_RING_RECORDS}. */
    @Param({"65536"})
    public int ringRecords;

    /**
     * "decision": the change goes where the classifier hands it; "threadLocal": through the ring's lookup per change.
     */
    @Param({"decision"})
    public String hand;

    private FlowEvents flowEvents;
    private final Decision decision = new Decision();
    private SyncRing ring;
    private RingDrainer drainer;
    private final FlowKey key = new FlowKey();
    private Backend backend;
    private int client;
    private boolean threadLocal;

    @Setup(Level.Trial)
    public void setUp()
    {
        backend = BenchCluster.build("maglev", 100).current().frontends.lookup(false, 0,
            Addresses.ipv4Lo(BenchCluster.TCP_VIP), 80, PacketTuple.PROTO_TCP).target.listed(0);
        threadLocal = hand.equals("threadLocal");
        if (sync.equals("on"))
        {
            ring = new SyncRing(ringRecords);
            flowEvents = ring;
            drainer = RingDrainer.start(ring);
        }
    }

    @Benchmark
    public int created()
    {
        Blackhole.consumeCPU(REST_OF_FLOW_TOKENS);
        client++;
        key.set(FlowKey.familyProtocol(PacketTuple.PROTO_TCP, false), 0, Addresses.ipv4Lo(0x0b00_0000 + client), 40000,
            0, Addresses.ipv4Lo(BenchCluster.TCP_VIP), 80);
        final FlowEvents events = flowEvents;
        if (events != null)
        {
            if (threadLocal)
            {
                events.flowEvent(FlowEvents.CREATED, key, backend, ConnState.SYN_RECV, TTL_NANOS);
            }
            else
            {
                decision.flowEvents(events).flowEvent(FlowEvents.CREATED, key, backend, ConnState.SYN_RECV, TTL_NANOS);
            }
        }
        return client;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        if (drainer != null)
        {
            drainer.close();
        }
    }
}
