package io.vipflow.harness.replay;

import io.vipflow.ClassifierConfig;
import io.vipflow.MidFlowPolicy;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.harness.NetworkOptions;
import io.vipflow.harness.NodeOptions;
import io.vipflow.harness.output.Outputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vipflow replay}: classify every packet of a capture against Kubernetes objects and churn. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a pcap/pcapng trace against Services and EndpointSlices; write one decision per packet.")
public final class ReplayCommand implements Callable<Integer>
{
    @Option(names = "--cluster", required = true, paramLabel = "FILE",
        description = "Services and EndpointSlices as 'kubectl get svc,endpointslices -o json|yaml' prints them.")
    Path cluster;

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "pcap or pcapng capture.")
    Path trace;

    @Option(names = "--churn", paramLabel = "FILE",
        description = "JSON Lines of {\"at\": SECONDS, \"type\": ADDED|MODIFIED|DELETED, \"object\": {...}}.")
    Path churn;

    @CommandLine.Mixin
    NodeOptions node;

    @CommandLine.Mixin
    NetworkOptions network;

    @Option(names = "--mid-flow", paramLabel = "POLICY", defaultValue = "SCHEDULE",
        description = "TCP packets without SYN and without an entry: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MidFlowPolicy midFlow;

    @Option(names = "--removed-backend", paramLabel = "POLICY", defaultValue = "DROP",
        description = "TCP and SCTP flows whose backend left the slices: ${COMPLETION-CANDIDATES} (default: " +
            "${DEFAULT-VALUE}, every mode; KEEP: nftables/iptables conntrack keeps translating; DRAIN: IPVS " +
            "graceful deletion, TCP only). UDP flows are always scheduled afresh.")
    RemovedBackendPolicy removedBackend;

    @Option(names = "--strict", description = "End with exit code 2 on a churn object that breaks an API rule, " +
        "instead of reporting it on standard error and keeping the object's last valid version.")
    boolean strict;

    @Option(names = "--decisions", required = true, paramLabel = "FILE", description = "Where to write decisions.")
    Path decisions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        node.validate(spec.commandLine());
        new Outputs().input("--cluster", cluster).input("--trace", trace).input("--churn", churn)
            .output("--decisions", decisions);
        // A capture may hold many flows: a table of a million (96 MiB), not the library's small default.
        final ClassifierConfig config = ClassifierConfig.defaults().withConnectionCapacity(1 << 20)
            .withMidFlowPolicy(midFlow).withRemovedBackendPolicy(removedBackend);
        final PrintWriter err = spec.commandLine().getErr();
        final ReplaySummary summary = Replayer.run(new Replayer.Options(cluster, trace, churn, node.nodeName,
            node.nodeIps, node.scheduler(), decisions, config, strict ? null : message ->
            {
                err.println("vipflow: rejected: " + message + " (the previous state stays)");
                err.flush();
            }, node.proxyMode(), network.network(spec.commandLine())));
        summary.print(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
