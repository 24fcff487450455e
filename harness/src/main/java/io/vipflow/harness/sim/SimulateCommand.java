package io.vipflow.harness.sim;

import io.vipflow.harness.NetworkOptions;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.gen.GeneratedCluster;
import io.vipflow.harness.gen.KubeJson;
import io.vipflow.harness.output.OutputFile;
import io.vipflow.harness.output.Outputs;
import io.vipflow.harness.report.HtmlReport;
import io.vipflow.harness.report.Progress;
import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import io.vipflow.harness.report.TerminalSummary;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vipflow simulate}: one scenario under several schedulers, side by side; exit code 1 when the oracle found
 * a violation, 2 for a bad scenario or argument.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a scenario (cluster, churn, traffic) under several schedulers and compare them: broken",
        "connections, load imbalance, new-flow cost; every decision is checked against the reference model.",
        "Shipped scenarios: rolling-update-50, node-failure, crash-loop, syn-flood-rollout, fleet-scale-out,",
        "fleet-failover."})
public final class SimulateCommand implements Callable<Integer>
{
    private static final String CLUSTER_FILE = "cluster.json";
    private static final String CHURN_FILE = "churn.jsonl";

    @Option(names = "--scenario", required = true, paramLabel = "FILE.yaml|NAME",
        description = "Scenario file, or the name of a shipped scenario.")
    String scenario;

    @Option(names = "--schedulers", split = ",", paramLabel = "NAME",
        description = "Schedulers to compare (default: the scenario's).")
    List<String> schedulers;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
        description = "Data-plane worker threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--packets", defaultValue = "0", paramLabel = "N",
        description = "Packets per scheduler; the traffic rate is scaled to fit the scenario's duration " +
            "(default: the scenario's rate).")
    long packets;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: the scenario's).")
    Long seed;

    @CommandLine.Mixin
    NetworkOptions network;

    @Option(names = "--fleet", paramLabel = "K",
        description = "K balancer instances behind ECMP; unless the scenario changes its fleet, one is added half way.")
    Integer fleet;

    @Option(names = "--sync", description = "Connect the fleet's instances by connection sync over Aeron (IPC, an " +
        "embedded media driver); each scheduler also runs without it, for comparison.")
    boolean sync;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write the HTML report.")
    Path report;

    @Option(names = "--json", paramLabel = "FILE.json", description = "Write the run as JSON (vipflow report --from).")
    Path json;

    @Option(names = "--decisions", paramLabel = "FILE",
        description = "Write every decision (JSON Lines, as replay); one file per scheduler when several.")
    Path decisions;

    @Option(names = "--summary", paramLabel = "FILE",
        description = "Write the reproducible summary (no wall-clock figures).")
    Path summary;

    @Option(names = "--kube-objects", paramLabel = "DIR",
        description = "Write the generated cluster (cluster.json) and churn (churn.jsonl) as the API server " +
            "serves them.")
    Path kubeObjects;

    @Option(names = "--proxy-mode", paramLabel = "MODE", defaultValue = "nftables",
        description = "The kube-proxy mode reproduced where the modes differ: nftables, iptables or ipvs " +
            "(default: ${DEFAULT-VALUE}).")
    String proxyMode;

    @Option(names = "--no-oracle", description = "Do not check decisions against the reference model.")
    boolean noOracle;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        Scenario s = ScenarioReader.load(scenario);
        final ProxyMode mode;
        try
        {
            if (schedulers != null)
            {
                s = s.withSchedulers(schedulers);
            }
            if (seed != null)
            {
                s = s.withSeed(seed);
            }
            if (fleet != null)
            {
                if (fleet < 1 || fleet > FleetPlan.MAX_INSTANCES)
                {
                    throw new IllegalArgumentException("--fleet " + fleet + ": from 1 to " +
                        FleetPlan.MAX_INSTANCES + " balancer instances (each holds its own connection table)");
                }
                s = s.withFleet(s.fleet().change() != 0 ? new FleetPlan(fleet, s.fleet().change(),
                    s.fleet().atSeconds()) : new FleetPlan(fleet, 1, s.durationSeconds() / 2));
            }
            if (sync && !s.fleet().isFleet())
            {
                throw new IllegalArgumentException("--sync needs a fleet: --fleet K or a scenario with one");
            }
            mode = ProxyMode.parse(proxyMode);
            if (workers < 1 || packets < 0)
            {
                throw new IllegalArgumentException("--workers must be ≥ 1 and --packets ≥ 0");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        checkOutputs(s);
        if (kubeObjects != null)
        {
            writeKubeObjects(s, kubeObjects);
        }
        final Simulation.Options options = Simulation.Options.of(s).withWorkers(workers).withPackets(packets)
            .withDecisions(decisions).withOracle(!noOracle).withSync(sync).withProxyMode(mode)
            .withNetwork(nodeNetwork()).withProgress(noProgress ? ProgressSink.Factory.NONE : progressBars());
        return run(options, spec.commandLine().getOut(), report, json, summary);
    }

    /** The options' node network; without {@code --node-zone}, the generated balancer node's zone. */
    private NodeNetwork nodeNetwork()
    {
        final NodeNetwork n = network.network(spec.commandLine());
        return n.zone().isEmpty() ? n.withZone(ClusterGenerator.balancerNetwork().zone()) : n;
    }

    /** Refuses, before any work, an output that is the scenario file, another output or not a regular file. */
    private void checkOutputs(final Scenario s) throws IOException
    {
        final Path scenarioFile = Path.of(scenario);
        final Outputs outputs = new Outputs().input("--scenario", Files.isRegularFile(scenarioFile) ?
            scenarioFile : null);
        outputs.output("--report", report);
        outputs.output("--json", json);
        outputs.output("--summary", summary);
        for (final String scheduler : s.schedulers())
        {
            outputs.output("--decisions", Simulation.decisionsFile(decisions, scheduler, s.schedulers().size()));
        }
        if (kubeObjects != null)
        {
            outputs.directory("--kube-objects", kubeObjects, CLUSTER_FILE, CHURN_FILE);
        }
    }

    /**
     * Runs, prints the summary and writes the files asked for. Shared with {@code vipflow demo}.
     *
     * @return 0 when the oracle found nothing, 1 otherwise.
     */
    public static int run(final Simulation.Options options, final PrintWriter out, final Path report, final Path json,
        final Path summary) throws IOException
    {
        final Scenario s = options.scenario();
        out.printf(Locale.ROOT, "vipflow simulate: %s (seed %d, %s simulated, schedulers %s, %d worker%s)%n",
            s.name(), s.seed(), FleetPlan.seconds(s.durationSeconds()), String.join(", ", s.schedulers()),
            options.workers(), options.workers() == 1 ? "" : "s");
        out.flush();
        final RunReport result;
        try
        {
            result = Simulation.run(options);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ScenarioFormatException(s.name(), 0, 0, "", ex.getMessage());
        }
        out.println();
        out.print(TerminalSummary.render(result));
        if (summary != null)
        {
            OutputFile.writeString(summary, SummaryText.render(result));
        }
        if (json != null)
        {
            OutputFile.writeString(json, result.toJson());
        }
        if (report != null)
        {
            HtmlReport.write(result, report);
            out.println();
            out.println("report written to " + report);
        }
        out.flush();
        long violations = 0;
        for (final SchedulerRun r : result.runs())
        {
            violations += r.oracleViolations();
        }
        return violations == 0 ? 0 : 1;
    }

    /** The scenario's cluster and churn in the files {@code vipflow replay --cluster --churn} reads. */
    static void writeKubeObjects(final Scenario s, final Path dir) throws IOException
    {
        final GeneratedCluster cluster;
        try
        {
            cluster = Simulation.generate(s);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ScenarioFormatException(s.name(), 0, 0, "", ex.getMessage());
        }
        OutputFile.writeString(dir.resolve(CLUSTER_FILE), KubeJson.clusterFile(cluster.initial()));
        OutputFile.writeString(dir.resolve(CHURN_FILE), KubeJson.churnFile(cluster.events(),
            cluster.initial().slices()));
    }

    /** One labelled bar per scheduler on standard error. */
    public static ProgressSink.Factory progressBars()
    {
        return (label, total) ->
        {
            final Progress bar = Progress.start(label, "packets", total);
            return new ProgressSink()
            {
                @Override
                public void advance(final long n)
                {
                    bar.advance(n);
                }

                @Override
                public void close()
                {
                    bar.close();
                }
            };
        };
    }
}
