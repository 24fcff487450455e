package io.vipflow.bench;

import io.vipflow.sched.Destination;
import io.vipflow.sched.MaglevScheduler;
import io.vipflow.sched.MaglevTable;
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
import java.util.concurrent.TimeUnit;

/**
 * Maglev table build for N backends (the paper: 1.8 ms at M = 65537 and 22.9 ms at M = 655373, N = 1000): the
 * table alone, and the scheduler's rebuild after one backend is removed (permutations of the others reused).
 * Sampled, so percentiles (p50) are reported beside the mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MaglevBuildBenchmark
{
    @Param({"65537", "655373"})
    public int tableSize;

    @Param({"1000"})
    public int backends;

    private List<String> names;
    private List<Destination> all;
    private List<Destination> oneRemoved;
    private MaglevScheduler built;

    @Setup
    public void setUp()
    {
        names = new ArrayList<>();
        for (int i = 0; i < backends; i++)
        {
            names.add("10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080");
        }
        all = new ArrayList<>();
        names.forEach(n -> all.add(Destination.of(n)));
        oneRemoved = new ArrayList<>(all);
        oneRemoved.remove(backends / 2);
        built = MaglevScheduler.create(all, tableSize, null);
    }

    @Benchmark
    public char[] build()
    {
        return MaglevTable.build(names, tableSize);
    }

    @Benchmark
    public MaglevScheduler rebuildOneRemoved()
    {
        return MaglevScheduler.create(oneRemoved, tableSize, built);
    }
}
