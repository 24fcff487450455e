package io.vipflow.bench;

import io.vipflow.internal.FlowHash;
import io.vipflow.packet.PacketTuple;
import io.vipflow.sched.ConnCounters;
import io.vipflow.sched.Destination;
import io.vipflow.sched.Scheduler;
import io.vipflow.sched.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one {@link Scheduler#pick} for every scheduler at 10, 100 and 10,000 backends. Backends have
 * weights 1 to 4 and connection counts spread as a busy Service's would be (active 0..63, inactive 0..255,
 * seeded); each pick is for the next of 1024 precomputed flows from distinct clients to 8 frontend addresses.
 * Picks must not allocate: run with {@code -prof gc} and expect about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SchedulerPickBenchmark
{
    private static final int FLOWS = 1024;

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr", "random",
        "maglev", "ring-hash", "least-request"})
    public String scheduler;

    @Param({"10", "100", "10000"})
    public int backends;

    private Scheduler picker;
    private final PacketTuple[] packets = new PacketTuple[FLOWS];
    private final long[] hashes = new long[FLOWS];
    private int next;

    @Setup
    public void setUp()
    {
        final Random random = new Random(7);
        final List<Destination> destinations = new ArrayList<>(backends);
        for (int i = 0; i < backends; i++)
        {
            final ConnCounters counters = new ConnCounters();
            counters.set(random.nextInt(64), random.nextInt(256));
            destinations.add(new Destination("10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080", 1 + i % 4,
                counters));
        }
        picker = Schedulers.factory(scheduler, 7).create(destinations, null);
        for (int f = 0; f < FLOWS; f++)
        {
            final PacketTuple p = new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, (10 << 24) | (1 << 16) | f,
                32768 + f, (10 << 24) | (96 << 16) | (f & 7), 80, PacketTuple.TCP_SYN);
            packets[f] = p;
            hashes[f] = FlowHash.hash(p.protocol, p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort);
        }
    }

    @Benchmark
    public int pick()
    {
        final int f = next++ & (FLOWS - 1);
        return picker.pick(packets[f], hashes[f]);
    }
}
