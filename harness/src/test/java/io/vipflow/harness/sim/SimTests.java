package io.vipflow.harness.sim;

import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;

import java.io.IOException;
import java.util.List;

/** Shortened runs of the shipped scenarios, shared by the simulation tests. */
final class SimTests
{
    private SimTests()
    {
    }

    static Scenario shipped(final String name, final String... schedulers) throws IOException
    {
        final Scenario s = ScenarioReader.load(name);
        return schedulers.length == 0 ? s : s.withSchedulers(List.of(schedulers));
    }

    /** A run without the warm-up pass: these tests look at decisions and counts, never at timed figures. */
    static RunReport run(final Scenario scenario, final long packets) throws IOException
    {
        return Simulation.run(Simulation.Options.of(scenario).withPackets(packets).withWarmup(0));
    }

    static SchedulerRun of(final RunReport report, final String scheduler)
    {
        return report.runs().stream().filter(r -> r.scheduler().equals(scheduler)).findFirst().orElseThrow();
    }
}
