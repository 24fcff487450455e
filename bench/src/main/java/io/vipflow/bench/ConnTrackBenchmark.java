package io.vipflow.bench;

import io.vipflow.conntrack.FlowKey;
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
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * Connection-table operations on one thread ({@link ConnTrackTwoThreadsBenchmark}: two threads on one table),
 * for each implementation holding the same {@code flows} resident TCP flows:
 * <ul>
 * <li>{@code lookupHit}: find a resident flow, chosen in a fixed random order; build the key from its fields
 * the way the implementation needs it (FlowKey with its hash, a record, a hash and a full-key check).</li>
 * <li>{@code missInsert}: create the entry of a key the table does not hold, then delete it, so the table's load
 * never changes: the table-side life of a one-packet flow. Each thread cycles through its own 65,536 keys.</li>
 * </ul>
 * Expiry is {@link ConnTrackExpiryBenchmark}. Chronicle Map needs its JDK 17 flags in the fork (root pom,
 * {@code vipflow.chronicle.flags}); Agrona needs the first export.
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
public class ConnTrackBenchmark
{
    static final long NOW = 1_000_000_000L;
    static final long EXPIRY = NOW + 900_000_000_000L;

    @Param({"ConnTable", "ConnTable.mapped", "ChronicleConnTable", "ConcurrentHashMap", "NonBlockingHashMapLong"})
    public String impl;

    @Param({"10000", "1000000"})
    public int flows;

    ConnTrackFlows data;
    ConnTrackSubject subject;

    @Setup(Level.Trial)
    public void setUp()
    {
        data = new ConnTrackFlows(flows);
        subject = ConnTrackSubject.create(impl, ConnTrackFlows.capacity(flows));
        final long start = System.nanoTime();
        try
        {
            subject.fill(data, EXPIRY, NOW);
        }
        catch (final RuntimeException ex)
        {
            subject.close(); // JMH skips the trial's teardown when its setup fails: the table file must go now
            throw ex;
        }
        System.out.printf("%n%s: %,d flows stored in %.2f s (%d candidates skipped)%n", impl, flows,
            (System.nanoTime() - start) / 1e9, data.skipped);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        subject.close();
    }

    /** One benchmark thread's cursor, key and table access. */
    @State(Scope.Thread)
    public static class Cursor
    {
        final FlowKey key = new FlowKey();
        ConnTrackSubject.Ops ops;
        long[] fresh;
        int next;

        @Setup(Level.Trial)
        public void setUp(final ConnTrackBenchmark bench, final ThreadParams thread)
        {
            ops = bench.subject.ops();
            fresh = bench.data.fresh[thread.getThreadIndex()];
            // Threads start at different points of the visiting order, as two cores on one link would.
            next = thread.getThreadIndex() * (ConnTrackFlows.ORDER / 2);
        }
    }

    @Benchmark
    public int lookupHit(final Cursor c)
    {
        final ConnTrackFlows d = data;
        final int flow = d.order[c.next++ & (ConnTrackFlows.ORDER - 1)];
        c.key.set(ConnTrackFlows.PROTOCOL, 0, d.srcLo[flow], d.srcPort[flow], 0, ConnTrackFlows.VIP,
            ConnTrackFlows.VIP_PORT);
        return c.ops.lookup(c.key, NOW);
    }

    @Benchmark
    public int missInsert(final Cursor c)
    {
        final int i = c.next++ & (ConnTrackFlows.FRESH - 1);
        c.key.set(ConnTrackFlows.PROTOCOL, 0, c.fresh[i], ConnTrackFlows.FRESH_PORT, 0, ConnTrackFlows.VIP,
            ConnTrackFlows.VIP_PORT);
        return c.ops.createThenDelete(c.key, i % ConnTrackSubject.BACKENDS, EXPIRY, NOW);
    }
}
