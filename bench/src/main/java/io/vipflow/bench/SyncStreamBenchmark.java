package io.vipflow.bench;

import io.aeron.driver.ThreadingMode;
import io.vipflow.FlowEvents;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
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

import java.util.concurrent.TimeUnit;

/**
 * How many flow updates per second one sync stream between two balancers carries, end to end, through an embedded
 * media driver (UDP on 127.0.0.1, or IPC): the benchmark thread offers state changes of 65,536 flows into the
 * sender's ring as fast as the ring takes them (a small ring, so the score is the rate at which the sender batches,
 * Aeron carries and the receiver applies them; the receiver's flow control holds the sender back when it falls
 * behind). Each iteration ends when the receiver has applied all of them. The figure depends on the machine's free
 * cores: the driver, each node's agent and the benchmark thread all run. {@link SyncLagBenchmark} measures the lag.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SyncStreamBenchmark
{
    private static final int KEYS = 1 << 16;
    /** Small, so that what waits in the ring at the end of an {@code updates} iteration is negligible. */
    private static final int RING_RECORDS = 4096;

    @Param({SyncPair.UDP, SyncPair.IPC})
    public String transport;

    private SyncPair pair;
    private SyncRing ring;
    private Backend backend;
    private final FlowKey key = new FlowKey();
    private int next;
    private long offered;

    @Setup(Level.Trial)
    public void setUp()
    {
        final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults()
            .withTcp(ConnState.tcpNext(ConnState.NONE, PacketTuple.TCP_SYN), 2_000_000_000L);
        pair = new SyncPair(transport, () -> BenchCluster.build("maglev", 100), timeouts, 1 << 19, RING_RECORDS,
            ThreadingMode.SHARED, SyncConfig.DEFAULT_IDLE_PARK_NANOS);
        ring = pair.senderNode.ring();
        backend = pair.sender.controlPlane().current().frontends.lookup(false, 0,
            Addresses.ipv4Lo(BenchCluster.TCP_VIP), 80, PacketTuple.PROTO_TCP).target.listed(0);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long updates()
    {
        next = (next + 1) & (KEYS - 1);
        key.set(FlowKey.familyProtocol(PacketTuple.PROTO_TCP, false), 0, Addresses.ipv4Lo(0x0c00_0000 + next), 40000, 0,
            Addresses.ipv4Lo(BenchCluster.TCP_VIP), 80);
        while (!ring.offer(FlowEvents.CHANGED, key, backend, ConnState.ESTABLISHED, 900_000_000_000L))
        {
            Thread.onSpinWait();
        }
        return ++offered;
    }

    @TearDown(Level.Iteration)
    public void settle()
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!pair.senderNode.drained() || pair.receiverNode.lastSequenceFrom(pair.senderNode.instanceId()) <
            pair.senderNode.messagesSent() - 1)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("sync: the receiver did not catch up within 30 s");
            }
            Thread.yield();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (pair.receiverNode.recordsUnmatched() > 0)
        {
            throw new IllegalStateException("sync: the receiver matched no frontend for some records");
        }
        System.out.println("sync: sent " + pair.senderNode.recordsSent() + ", lost " + pair.senderNode.recordsLost() +
            ", dropped " + pair.senderNode.recordsDropped() + ", applied " + pair.receiverNode.recordsApplied() +
            ", lag p50/p99 send-to-apply " + pair.receiverNode.lagNanos(50) / 1000 + "/" +
            pair.receiverNode.lagNanos(99) / 1000 + " µs");
        pair.close();
    }
}
