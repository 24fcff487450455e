package io.vipflow.harness.demo;

import io.vipflow.harness.output.Outputs;
import io.vipflow.harness.sim.Scenario;
import io.vipflow.harness.sim.ScenarioReader;
import io.vipflow.harness.sim.SimulateCommand;
import io.vipflow.harness.sim.Simulation;
import io.vipflow.harness.sim.ProgressSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vipflow demo}: the shipped rolling-update scenario under four schedulers, with the HTML report. Sized to
 * finish well within a minute on two cores; {@code vipflow simulate --scenario rolling-update-50} runs it in full.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the rolling-update scenario: client traffic while a 50-replica Service rolls to a new",
        "version, under maglev, rr, random and wlc; prints the comparison and writes an HTML report.",
        "Schedulers: rr, wrr, lc, wlc, sed, nq, fo, ovf, twos, sh, dh, mh, lblc, lblcr, random, maglev, ring-hash,",
        "least-request."})
public final class DemoCommand implements Callable<Integer>
{
    /** The scenario the demo plays. */
    public static final String SCENARIO = "rolling-update-50";

    @Option(names = {"--schedulers", "--scheduler"}, split = ",", paramLabel = "NAME",
        defaultValue = "maglev,rr,random,wlc", description = "Schedulers to compare (default: ${DEFAULT-VALUE}).")
    List<String> schedulers;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--packets", defaultValue = "300000",
        description = "Packets per scheduler (default: ${DEFAULT-VALUE}).")
    long packets;

    @Option(names = "--workers", defaultValue = "1",
        description = "Data-plane worker threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--report", defaultValue = "vipflow-demo-report.html", paramLabel = "FILE.html",
        description = "HTML report to write (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final Scenario scenario;
        try
        {
            scenario = ScenarioReader.load(SCENARIO).withSchedulers(schedulers).withSeed(seed);
            if (packets < 1 || workers < 1)
            {
                throw new IllegalArgumentException("--packets and --workers must be ≥ 1");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        new Outputs().output("--report", report);
        final Simulation.Options options = Simulation.Options.of(scenario).withPackets(packets).withWorkers(workers)
            .withProgress(noProgress ? ProgressSink.Factory.NONE : SimulateCommand.progressBars());
        return SimulateCommand.run(options, spec.commandLine().getOut(), report, null, null);
    }
}
