package io.vipflow.harness.sim;

import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import org.junit.jupiter.api.Test;

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
        assertTrue(SimTests.of(report, "random").brokenByScheduler() > 20);
        assertEquals(0, SimTests.of(report, "random").oracleViolations());
    }
}
