package io.vipflow.bench.gate;

import io.vipflow.bench.CpuTimeProfiler;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two benchmark sets the gate runs, each one JMH run (one regular expression, one set of parameter overrides),
 * written out as the equivalent command line so that a run can be reproduced by hand.
 */
enum GateSet
{
    /**
     * A few key benchmarks at small sizes, timed well enough to compare with the baseline: one fork, three warmup
     * and five measured iterations of half a second each.
     */
    FULL(
        "(ClassifyBenchmark\\.(established|establishedBatch|newFlow|mix)" +
            "|FrontendLookupBenchmark\\.(hit|miss)" +
            "|ConnTrackBenchmark\\.(lookupHit|missInsert)" +
            "|SchedulerPickBenchmark\\.pick" +
            "|MaglevBuildBenchmark\\.build)$",
        params("impl", "ConnTable", "flows", "10000", "services", "10000", "family", "ipv4",
            "scheduler", "maglev,wrr,wlc", "backends", "1000", "tableSize", "65537"),
        1, 3, "500ms", 5, "500ms"),

    /**
     * Every benchmark in the jar at its smallest sizes, all in this JVM, one short warmup and one short measured
     * iteration: proves each still sets up, runs and allocates nothing, in about a minute. Not for timing. The
     * warmup matters: before the JIT has compiled a path, JMH's own bookkeeping shows as tens of bytes per
     * operation.
     */
    QUICK(
        ".*",
        params("flows", "10000", "services", "100", "backends", "10", "tableSize", "65537", "mebibytes", "1",
            "cluster", "100x10"),
        0, 1, "100ms", 1, "100ms");

    private final String include;
    private final Map<String, String[]> params;
    private final int forks;
    private final int warmups;
    private final String warmupTime;
    private final int measurements;
    private final String measurementTime;

    GateSet(final String include, final Map<String, String[]> params, final int forks, final int warmups,
        final String warmupTime, final int measurements, final String measurementTime)
    {
        this.include = include;
        this.params = params;
        this.forks = forks;
        this.warmups = warmups;
        this.warmupTime = warmupTime;
        this.measurements = measurements;
        this.measurementTime = measurementTime;
    }

    private static Map<String, String[]> params(final String... nameValues)
    {
        final Map<String, String[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2)
        {
            m.put(nameValues[i], nameValues[i + 1].split(","));
        }
        return m;
    }

    /** The regular expression that selects this set's benchmarks. */
    String include()
    {
        return include;
    }

    /** JMH options for this set, writing JSON results to {@code out}. */
    ChainedOptionsBuilder options(final Path out)
    {
        return options(out, include);
    }

    /** JMH options for the benchmarks of this set that {@code only} selects, with the set's settings. */
    ChainedOptionsBuilder options(final Path out, final String only)
    {
        final ChainedOptionsBuilder b = new OptionsBuilder()
            .include(only)
            .forks(forks)
            .warmupIterations(warmups)
            .warmupTime(TimeValue.fromString(warmupTime))
            .measurementIterations(measurements)
            .measurementTime(TimeValue.fromString(measurementTime))
            .addProfiler(GCProfiler.class)
            .addProfiler(CpuTimeProfiler.class)
            .shouldFailOnError(true)
            .resultFormat(ResultFormatType.JSON)
            .result(out.toString());
        params.forEach(b::param);
        return b;
    }

    /** The same run as a {@code benchmarks.jar} command line. */
    String commandLine(final Path out)
    {
        final List<String> args = new ArrayList<>();
        args.add("java -jar bench/target/benchmarks.jar '" + include + "'");
        params.forEach((k, v) -> args.add("-p " + k + "=" + String.join(",", v)));
        args.add("-f " + forks);
        args.add("-wi " + warmups + " -w " + warmupTime + " -i " + measurements + " -r " + measurementTime);
        args.add("-prof gc -prof " + CpuTimeProfiler.class.getName() + " -foe true -rf json -rff " + out);
        return String.join(" ", args);
    }
}
