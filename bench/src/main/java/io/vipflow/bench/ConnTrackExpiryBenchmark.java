package io.vipflow.bench;

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
 * Expiry: one full sweep of a table in which all {@code flows} entries have expired; the table is refilled
 * before each sweep, outside the measurement (JMH's per-invocation setup: a sweep takes far longer than the
 * timestamps around it). The score is per sweep; divide by {@code flows} for the cost per expired entry. One
 * thread, as the data plane runs one sweeper.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
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
public class ConnTrackExpiryBenchmark
{
    private static final long NOW = 1_000_000_000L;
    /** ConnTable keeps deadlines in milliseconds: entries expire one millisecond after they are made. */
    private static final long MILLI = 1_000_000L;

    @Param({"ConnTable", "ConnTable.mapped", "ChronicleConnTable", "ConcurrentHashMap", "NonBlockingHashMapLong"})
    public String impl;

    @Param({"10000", "1000000"})
    public int flows;

    private ConnTrackFlows data;
    private ConnTrackSubject subject;

    @Setup(Level.Trial)
    public void setUp()
    {
        data = new ConnTrackFlows(flows);
        subject = ConnTrackSubject.create(impl, ConnTrackFlows.capacity(flows));
    }

    /** Every resident flow again, expiring one millisecond after it was made; the last sweep must have left none. */
    @Setup(Level.Invocation)
    public void refill()
    {
        if (subject.size() != 0)
        {
            throw new IllegalStateException(impl + ": the sweep left " + subject.size() + " entries");
        }
        subject.fill(data, NOW + MILLI, NOW);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        subject.close();
    }

    @Benchmark
    public int sweepAllExpired()
    {
        return subject.sweep(NOW + 2 * MILLI);
    }
}
