package io.vipflow.bench.gate;

import io.vipflow.bench.baseline.Pipeline;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which benchmarks measure a data-plane path, one that runs per packet and must allocate nothing, and so are
 * held to at most {@link #MAX_ALLOC_BYTES_PER_OP}. The baselines built on other maps (parameter {@code impl})
 * allocate by design and are exempt; so are control-plane work (table builds) and the sweeper's expiry benchmark,
 * whose per-invocation refill is counted with it.
 */
public final class DataPlane
{
    /** Allowance for JMH's own bookkeeping, which the profiler counts with the benchmark. */
    public static final double MAX_ALLOC_BYTES_PER_OP = 0.5;

    private static final List<Pattern> BENCHMARKS = List.of(
        Pattern.compile("Classify(TwoThreads)?Benchmark\\..*"),
        Pattern.compile("FrontendLookupBenchmark\\..*"),
        Pattern.compile("ConnTrack(TwoThreads)?Benchmark\\.(lookupHit|missInsert)"),
        Pattern.compile("SchedulerPickBenchmark\\.pick"),
        Pattern.compile("SyncNewFlowBenchmark\\.newFlow"),
        Pattern.compile("SyncHookBenchmark\\.created"));

    private DataPlane()
    {
    }

    /** True when the result must show no allocation. */
    public static boolean mustNotAllocate(final JmhResult r)
    {
        final String impl = r.params().get("impl");
        if (impl != null && isBaseline(impl))
        {
            return false;
        }
        for (final Pattern p : BENCHMARKS)
        {
            if (p.matcher(r.shortName()).matches())
            {
                return true;
            }
        }
        return false;
    }

    /** The pipelines and tables other than vipflow's that the benchmarks compare against. */
    static boolean isBaseline(final String impl)
    {
        return Pipeline.BASELINES.contains(impl);
    }
}
