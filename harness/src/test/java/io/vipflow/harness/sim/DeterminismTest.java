package io.vipflow.harness.sim;

import io.vipflow.harness.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterminismTest
{
    @TempDir
    Path dir;

    private String run(final Scenario scenario, final int workers, final String tag) throws Exception
    {
        final RunReport report = Simulation.run(Simulation.Options.of(scenario).withPackets(20_000)
            .withWorkers(workers).withDecisions(dir.resolve(tag + ".jsonl")));
        return SummaryText.render(report);
    }

    @Test
    void sameSeedGivesByteIdenticalDecisionsAndSummaries() throws Exception
    {
        // Schedulers with state of their own (a cursor, a random sequence, connection counts): with one worker
        // they too must repeat themselves exactly.
        final Scenario scenario = SimTests.shipped("rolling-update-50", "rr", "random", "wlc");
        final String first = run(scenario, 1, "a");
        final String second = run(scenario, 1, "b");
        assertEquals(first, second);
        for (final String s : scenario.schedulers())
        {
            final Path a = dir.resolve("a-" + s + ".jsonl");
            assertTrue(Files.size(a) > 20_000L * 100, "a decision per packet");
            assertEquals(-1, Files.mismatch(a, dir.resolve("b-" + s + ".jsonl")), s);
        }
        assertNotEquals(first, run(scenario.withSeed(43), 1, "c"), "another seed, another run");
    }

    @Test
    void twoWorkersDecideAsOneForMaglev() throws Exception
    {
        final Scenario scenario = SimTests.shipped("syn-flood-rollout", "maglev");
        final String one = run(scenario, 1, "one");
        final String two = run(scenario, 2, "two");
        assertEquals(-1, Files.mismatch(dir.resolve("one.jsonl"), dir.resolve("two.jsonl")));
        assertEquals(one, two);
    }
}
