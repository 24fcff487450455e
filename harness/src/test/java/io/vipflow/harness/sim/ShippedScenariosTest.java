package io.vipflow.harness.sim;

import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShippedScenariosTest
{
    @ParameterizedTest
    @ValueSource(strings = {"rolling-update-50", "node-failure", "crash-loop", "syn-flood-rollout", "fleet-scale-out",
        "fleet-failover"})
    void everyDecisionAgreesWithTheReferenceModel(final String name) throws Exception
    {
        final Scenario scenario = SimTests.shipped(name, "maglev", "wlc");
        final RunReport report = SimTests.run(scenario, 40_000);
        assertEquals(2, report.runs().size());
        assertTrue(!report.churn().isEmpty(), "the scenario changes the cluster");
        for (final SchedulerRun run : report.runs())
        {
            assertEquals(0, run.oracleViolations(), name + " " + run.scheduler() + ": " + run.firstViolations());
            assertTrue(run.packets() > 38_000 && run.packets() <= 40_000,
                "scaled to the packet count: " + run.packets());
            assertEquals(run.brokenFlows(), run.brokenUnavoidable() + run.brokenByScheduler());
            assertEquals(run.brokenFlows(), java.util.Arrays.stream(run.brokenPerChurnMark()).sum(),
                "every break follows a churn mark");
            if (!scenario.fleet().isFleet())
            {
                assertEquals(0, run.brokenByScheduler(), "one balancer keeps every flow whose backend stays listed");
            }
            assertEquals(report.runs().get(0).flows(), run.flows(), "every scheduler sees the same traffic");
        }
        if (!name.startsWith("fleet-"))
        {
            assertTrue(report.runs().get(0).brokenUnavoidable() > 0, "removed pods break the flows they carried");
        }
    }
}
