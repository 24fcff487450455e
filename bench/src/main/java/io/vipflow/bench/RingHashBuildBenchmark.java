package io.vipflow.bench;

import io.vipflow.sched.Destination;
import io.vipflow.sched.Scheduler;
import io.vipflow.sched.SchedulerFactory;
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
import java.util.concurrent.TimeUnit;

/**
 * Ring-hash build at 65,536 ring entries (Envoy reports 9 ms): a full build, and the incremental rebuild after one
 * backend is removed from a built ring. Sampled, so percentiles (p50) are reported beside the mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingHashBuildBenchmark
{
    @Param({"65536"})
    public int ringSize;

    @Param({"100", "1000"})
    public int backends;

    private SchedulerFactory factory;
    private List<Destination> all;
    private List<Destination> oneRemoved;
    private Scheduler built;

    @Setup
    public void setUp()
    {
        factory = Schedulers.factory("ring-hash", "ring-size=" + ringSize, 0);
        all = new ArrayList<>();
        for (int i = 0; i < backends; i++)
        {
            all.add(Destination.of("10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080"));
        }
        oneRemoved = new ArrayList<>(all);
        oneRemoved.remove(backends / 2);
        built = factory.create(all, null);
    }

    @Benchmark
    public Scheduler fullBuild()
    {
        return factory.create(all, null);
    }

    @Benchmark
    public Scheduler incrementalRemoveOne()
    {
        return factory.create(oneRemoved, built);
    }
}
