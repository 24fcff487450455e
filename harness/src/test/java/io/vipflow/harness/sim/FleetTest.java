package io.vipflow.harness.sim;

import io.vipflow.ClassifierConfig;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetTest
{
    @Test
    void maglevKeepsFlowsThatLandOnAnotherInstance() throws Exception
    {
        final RunReport report = SimTests.run(SimTests.shipped("fleet-scale-out", "maglev", "rr"), 40_000);
        final SchedulerRun maglev = SimTests.of(report, "maglev");
        final SchedulerRun rr = SimTests.of(report, "rr");
        assertEquals(0, maglev.oracleViolations() + rr.oracleViolations(), maglev.firstViolations() + " " +
            rr.firstViolations());
        assertEquals(0, maglev.brokenByScheduler(), "the new instance hashes every moved flow to its backend");
        assertTrue(rr.brokenByScheduler() > 50, "rr sends moved flows anywhere: " + rr.brokenByScheduler());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("ECMP")));
    }

    @Test
    void removingAnInstanceMovesItsFlows() throws Exception
    {
        final Scenario s = SimTests.shipped("fleet-scale-out", "maglev", "random").withFleet(new FleetPlan(4, -1, 60));
        final RunReport report = SimTests.run(s, 30_000);
        assertEquals(0, SimTests.of(report, "maglev").brokenByScheduler());
        // Only the removed instance's quarter of the flows moves (resilient ECMP); random sends most of those anywhere.
        assertTrue(SimTests.of(report, "random").brokenByScheduler() > 5, "random: " +
            SimTests.of(report, "random").brokenByScheduler());
        assertEquals(0, SimTests.of(report, "random").oracleViolations());
    }

    @Test
    void withSyncNoSchedulerBreaksTheFlowsOfALostInstance() throws Exception
    {
        final Scenario s = SimTests.shipped("fleet-failover", "rr", "maglev");
        final RunReport report = Simulation.run(Simulation.Options.of(s).withPackets(30_000).withWarmup(0)
            .withSync(true));
        for (final SchedulerRun run : report.runs())
        {
            assertEquals(0, run.oracleViolations(), run.scheduler() + ": " + run.firstViolations());
            assertEquals(0, run.brokenByScheduler(), run.scheduler() + " with sync");
            assertEquals(0, run.sync().dropped() + run.sync().lost());
        }
        final SchedulerRun rr = SimTests.of(report, "rr");
        assertTrue(rr.sync().brokenBySchedulerWithoutSync() > 20,
            "without sync rr sends the lost instance's flows anywhere: " + rr.sync().brokenBySchedulerWithoutSync());
        assertEquals(0, SimTests.of(report, "maglev").sync().brokenBySchedulerWithoutSync());
        assertTrue(SummaryText.render(report).contains("broken without sync"));
    }

    @Test
    void withSyncAJoiningInstanceCarriesTheFlowsItCaughtUpWith() throws Exception
    {
        final Scenario s = SimTests.shipped("fleet-scale-out", "rr", "maglev");
        final RunReport report = Simulation.run(Simulation.Options.of(s).withPackets(30_000).withWarmup(0)
            .withSync(true));
        for (final SchedulerRun run : report.runs())
        {
            // The joiner's entries came from a peer's table: its model must hold them too, or the flows ECMP moves
            // to it would be expected to start afresh.
            assertEquals(0, run.oracleViolations(), run.scheduler() + ": " + run.firstViolations());
            assertEquals(0, run.brokenByScheduler(), run.scheduler() + " with sync");
        }
        assertTrue(SimTests.of(report, "rr").sync().brokenBySchedulerWithoutSync() > 20,
            "without sync rr sends the moved flows anywhere");
    }

    @Test
    void losingAnInstanceMovesOnlyItsFlows()
    {
        try (Fleet fleet = new Fleet("rr", 1, ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(16), 3, new ClusterObjects(List.of(), List.of(), 0)))
        {
            final PacketTuple t = new PacketTuple();
            final int flows = 3000;
            final int[] before = new int[flows];
            for (int f = 0; f < flows; f++)
            {
                before[f] = fleet.instanceFor(t.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + f, 40000, 0x0a60000a, 80, 0));
            }
            fleet.removeInstance();
            final int[] movedTo = new int[2];
            for (int f = 0; f < flows; f++)
            {
                final int after = fleet.instanceFor(t.setIpv4(PacketTuple.PROTO_TCP, 0x0a010000 + f, 40000, 0x0a60000a,
                    80, 0));
                if (before[f] < 2)
                {
                    assertEquals(before[f], after, "flow " + f + " kept its instance");
                }
                else
                {
                    movedTo[after]++;
                }
            }
            assertTrue(movedTo[0] > 300 && movedTo[1] > 300, "the lost instance's flows spread: " +
                java.util.Arrays.toString(movedTo));
        }
    }
}
