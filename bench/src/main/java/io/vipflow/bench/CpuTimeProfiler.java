package io.vipflow.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * Reports {@code cpu.time.norm}: CPU nanoseconds the benchmark's JVM used per operation during an iteration (all of
 * its threads, so JIT and GC work are included; after warmup they are small). On a shared machine a benchmark
 * thread waits for a core part of the time, and JMH's score, a wall-clock time, counts the wait; this figure does
 * not, so it is what the operation costs when it runs. Use with {@code -prof io.vipflow.bench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler
{
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
    private long startCpuNanos;

    @Override
    public String getDescription()
    {
        return "CPU time of the benchmark JVM per operation";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        startCpuNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(final BenchmarkParams benchmarkParams,
        final IterationParams iterationParams, final IterationResult result)
    {
        final long cpu = os.getProcessCpuTime() - startCpuNanos;
        final long ops = result.getMetadata().getAllOps();
        return List.of(new ScalarResult("cpu.time.norm", ops == 0 ? Double.NaN : (double)cpu / ops, "ns/op",
            AggregationPolicy.AVG));
    }
}
