package io.vipflow.bench.report;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.bench.gate.JmhResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The results page: a later run's figure never hides an earlier one's, and ratios compare each design at its best. */
class TargetsTest
{
    private static JmhResult classify(final String method, final String impl, final double ns)
    {
        return new JmhResult("io.vipflow.bench.ClassifyBenchmark." + method, Map.of("impl", impl, "flows", "1000000"),
            "avgt", 1, ns, ns - 1, ns + 1, "ns/op", 0, ns);
    }

    @Test
    void aTableTakesEveryRowFromTheFirstRunThatMeasuredItsClass()
    {
        final JmhResult newer = classify("established", Pipeline.VIPFLOW, 300);
        final JmhResult older = classify("established", Pipeline.VIPFLOW, 500);
        final JmhResult olderMix = classify("mix", Pipeline.VIPFLOW, 400);
        final JmhResult lookup = new JmhResult("io.vipflow.bench.FrontendLookupBenchmark.hit", Map.of(), "avgt", 1, 9,
            8, 10, "ns/op", 0, 9);
        final Results r = Results.ofRuns(List.of(List.of(newer), List.of(older, olderMix, lookup)));
        assertSame(newer, r.find("ClassifyBenchmark.established", "impl", Pipeline.VIPFLOW, "flows", "1000000"));
        assertSame(olderMix, r.find("ClassifyBenchmark.mix", "impl", Pipeline.VIPFLOW, "flows", "1000000"));
        assertEquals(List.of(newer), r.ofClass("ClassifyBenchmark"), "no row of the older run joins the table");
        assertEquals(List.of(lookup), r.ofClass("FrontendLookupBenchmark"));
    }

    @Test
    void theBatchRatioUsesTheFasterPathOfEachBaseline()
    {
        final Results r = new Results(List.of(
            classify("established", Pipeline.VIPFLOW, 500), classify("establishedBatch", Pipeline.VIPFLOW, 100),
            classify("established", Pipeline.NON_BLOCKING_HASH_MAP_LONG, 450),
            classify("establishedBatch", Pipeline.NON_BLOCKING_HASH_MAP_LONG, 900),
            classify("established", Pipeline.CONCURRENT_HASH_MAP, 900),
            classify("establishedBatch", Pipeline.CONCURRENT_HASH_MAP, 600)));
        final String table = new Targets(r).markdown();
        // NonBlockingHashMapLong at its best (450 one at a time) against vipflow's batch (100): 4.5x, met.
        assertTrue(table.contains("| 1M established, each at its best (vipflow in batches): times faster than "
            + "NonBlockingHashMapLong | ≥ 1.50× | 4.50× |"), table);
        // ConcurrentHashMap at its best is its batch (600): 6x.
        assertTrue(table.contains("times faster than ConcurrentHashMap | ≥ 2.00× | 6.00× |"), table);
        // One at a time, vipflow (500) is slower than NonBlockingHashMapLong (450): 0.9x, missed.
        assertTrue(table.contains("| 1M established: times faster than NonBlockingHashMapLong | ≥ 1.50× | 0.90× |"),
            table);
    }

    @Test
    void scalingComparesOnlyResultsOfOneRun()
    {
        final JmhResult one = classify("established", Pipeline.VIPFLOW, 100);
        final JmhResult two = new JmhResult("io.vipflow.bench.ClassifyTwoThreadsBenchmark.established",
            Map.of("impl", Pipeline.VIPFLOW, "flows", "1000000"), "avgt", 2, 110, 109, 111, "ns/op", 0, 110);
        assertEquals(2 * 100 / 110.0, Targets.scaling(Results.ofRuns(List.of(List.of(one, two))), "established",
            "1000000"), 1e-9);
        assertTrue(Double.isNaN(Targets.scaling(Results.ofRuns(List.of(List.of(one), List.of(two))), "established",
            "1000000")), "one thread and two threads measured in different runs");
    }
}
