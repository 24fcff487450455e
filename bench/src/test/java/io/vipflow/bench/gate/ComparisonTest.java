package io.vipflow.bench.gate;

import io.vipflow.bench.baseline.Pipeline;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate's verdicts: slower only past the threshold with disjoint intervals, twice; allocation; missing runs. */
class ComparisonTest
{
    private static final String CLASSIFY = "io.vipflow.bench.ClassifyBenchmark.established";
    private static final String MAGLEV = "io.vipflow.bench.MaglevBuildBenchmark.build";

    static JmhResult result(final String benchmark, final Map<String, String> params, final double score,
        final double error, final String unit, final double alloc)
    {
        return new JmhResult(benchmark, params, "avgt", 1, score, score - error, score + error, unit, alloc, score);
    }

    private static JmhResult classify(final String impl, final double score, final double error, final double alloc)
    {
        return result(CLASSIFY, Map.of("impl", impl, "flows", "10000"), score, error, "ns/op", alloc);
    }

    @Test
    void aSlowdownPastTheThresholdWithDisjointIntervalsFails()
    {
        final Comparison c = new Comparison(List.of(classify(Pipeline.VIPFLOW, 150, 5, 0)),
            List.of(classify(Pipeline.VIPFLOW, 100, 5, 0)), 0.25);
        assertEquals(1, c.slower().size());
        assertEquals(1, c.failures().size());
        assertTrue(c.failures().get(0).contains("slower by 50%"), c.failures().toString());
    }

    @Test
    void overlappingIntervalsOrASlowdownWithinTheThresholdPass()
    {
        final Comparison noisy = new Comparison(List.of(classify(Pipeline.VIPFLOW, 150, 40, 0)),
            List.of(classify(Pipeline.VIPFLOW, 100, 20, 0)), 0.25);
        assertTrue(noisy.failures().isEmpty(), "intervals 110-190 and 80-120 overlap: " + noisy.failures());
        final Comparison small = new Comparison(List.of(classify(Pipeline.VIPFLOW, 120, 1, 0)),
            List.of(classify(Pipeline.VIPFLOW, 100, 1, 0)), 0.25);
        assertTrue(small.failures().isEmpty(), "20% is within a 25% threshold: " + small.failures());
        assertEquals(1, small.passed());
    }

    @Test
    void throughputIsWorseWhenLower()
    {
        final Map<String, String> none = Map.of();
        final Comparison c = new Comparison(
            List.of(result(MAGLEV, none, 600, 10, "ops/s", Double.NaN)),
            List.of(result(MAGLEV, none, 1000, 10, "ops/s", Double.NaN)), 0.25);
        assertEquals(1, c.failures().size(), c.failures().toString());
        final Comparison faster = new Comparison(
            List.of(result(MAGLEV, none, 1600, 10, "ops/s", Double.NaN)),
            List.of(result(MAGLEV, none, 1000, 10, "ops/s", Double.NaN)), 0.25);
        assertTrue(faster.failures().isEmpty());
    }

    @Test
    void aBenchmarkNotSlowerOnTheSecondRunPasses()
    {
        final Comparison c = new Comparison(List.of(classify(Pipeline.VIPFLOW, 150, 5, 0)),
            List.of(classify(Pipeline.VIPFLOW, 100, 5, 0)), 0.25);
        c.confirmSlower(Set.of());
        assertTrue(c.failures().isEmpty(), c.failures().toString());
        final Comparison again = new Comparison(List.of(classify(Pipeline.VIPFLOW, 150, 5, 0)),
            List.of(classify(Pipeline.VIPFLOW, 100, 5, 0)), 0.25);
        again.confirmSlower(Set.of(again.slower().get(0).id()));
        assertEquals(1, again.failures().size());
    }

    @Test
    void allocationOnADataPlanePathFailsButBaselinesAndControlPlaneMayAllocate()
    {
        final Comparison c = new Comparison(List.of(
            classify(Pipeline.VIPFLOW, 100, 1, 0.6),
            classify(Pipeline.CONCURRENT_HASH_MAP, 100, 1, 56),
            result(MAGLEV, Map.of(), 2000, 10, "us/op", 500_000)), null, 0.25);
        assertEquals(1, c.failures().size(), c.failures().toString());
        assertTrue(c.failures().get(0).contains("allocates 0.60 B/op"));
        final Comparison unmeasured = new Comparison(List.of(classify(Pipeline.VIPFLOW, 100, 1, Double.NaN)),
            null, 0.25);
        assertTrue(unmeasured.failures().get(0).contains("no allocation figure"));
    }

    @Test
    void aBaselineBenchmarkThatDidNotRunFails()
    {
        final Comparison c = new Comparison(List.of(), List.of(classify(Pipeline.VIPFLOW, 100, 5, 0)), 0.25);
        assertEquals(1, c.failures().size());
        assertTrue(c.failures().get(0).contains("did not run"));
    }
}
