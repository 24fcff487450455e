package io.vipflow.harness.live;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.harness.trace.TracePacket;
import io.vipflow.harness.trace.TraceReader;
import io.vipflow.service.ControlPlane;
import org.agrona.concurrent.UnsafeBuffer;
import io.vipflow.harness.NetworkOptions;
import io.vipflow.harness.NodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code vipflow watch}: follow a cluster's Services and EndpointSlices and print decisions for live or synthetic
 * traffic, with a line for every publish (and its reaction time) and every refused object.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow an API server's Services and EndpointSlices; print decisions for a trace or synthetic " +
        "traffic, and every publish with its reaction time.")
public final class WatchCommand implements Callable<Integer>
{
    @Option(names = "--kubeconfig", required = true, paramLabel = "FILE",
        description = "Kubeconfig naming the API server and the credentials (its current context is used).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Context of the kubeconfig to use instead.")
    String context;

    @Option(names = "--namespace", paramLabel = "NS", description = "Follow one namespace (default: all).")
    String namespace;

    @CommandLine.Mixin
    NodeOptions node;

    @CommandLine.Mixin
    NetworkOptions network;

    @Option(names = "--window", paramLabel = "MS", defaultValue = "100",
        description = "Changes arriving within MS milliseconds of the first pending one share a publish " +
            "(default: ${DEFAULT-VALUE}; 0 publishes as soon as the queued changes are applied).")
    long windowMillis;

    @ArgGroup(exclusive = true)
    Traffic traffic;

    /** Where packets come from; neither option: no traffic, publishes only. */
    static final class Traffic
    {
        @Option(names = "--trace", paramLabel = "FILE",
            description = "pcap or pcapng played at its own pace from the start of the watch.")
        Path trace;

        @Option(names = "--synthetic-rate", paramLabel = "N",
            description = "N new connections per second towards the frontends seen (TCP SYN, UDP, SCTP INIT).")
        Double syntheticRate;
    }

    @Option(names = "--duration", paramLabel = "S",
        description = "Stop after S seconds (default: at the end of the trace, or never).")
    Double durationSeconds;

    @Option(names = "--sync-timeout", paramLabel = "S", defaultValue = "10",
        description = "Seconds to wait for the server: the first request and the first lists as a whole, the " +
            "headers of every later request (default: ${DEFAULT-VALUE}).")
    double syncTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        validate();
        final Duration syncTimeout = Duration.ofMillis((long)(syncTimeoutSeconds * 1000));
        final Config config = loadConfig(kubeconfig, context);
        // Every request's headers within the sync timeout; the first request and list are bounded end to end.
        config.setRequestTimeout((int)Math.min(Integer.MAX_VALUE, syncTimeout.toMillis()));
        config.setConnectionTimeout((int)Math.min(Integer.MAX_VALUE, syncTimeout.toMillis()));
        KubeWatch.checkAccess(config, namespace, syncTimeout);
        final ControlPlane cp = new ControlPlane(node.nodeName, node.nodeIps, node.scheduler(), 1)
            .proxyMode(node.proxyMode());
        cp.nodeNetwork(network.network(spec.commandLine()));
        try (WatchOutput output = new WatchOutput(System.out);
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            LiveControlPlane live = new LiveControlPlane(cp, windowMillis * 1_000_000L, output);
            Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1 << 20)))
        {
            final NodeZoneWatch zoneWatch = followZone(client, cp, live);
            final KubeWatch watch = KubeWatch.start(client, namespace, live, syncTimeout);
            final PrintWriter notices = spec.commandLine().getErr();
            watch.reportOutages(syncTimeout, String.valueOf(client.getMasterUrl()), line ->
            {
                synchronized (notices)
                {
                    notices.println("vipflow watch: " + line);
                    notices.flush();
                }
            });
            try
            {
                // From the first published state on; "never" stays far enough from overflow for deadline
                // arithmetic on nanoTime.
                final long end = System.nanoTime() +
                    (durationSeconds == null ? Long.MAX_VALUE / 4 : (long)(durationSeconds * 1e9));
                runTraffic(classifier, live, output, end);
            }
            finally
            {
                watch.close();
                if (zoneWatch != null)
                {
                    zoneWatch.close();
                }
            }
            final long[] counts = live.counts();
            final PrintWriter err = spec.commandLine().getErr();
            err.println("vipflow watch: " + counts[0] + " publishes, " + counts[1] + " rejected; " +
                ReactionStats.describe(live.reactionNanos()) + " (receipt to publish, window " + windowMillis +
                " ms)");
            err.flush();
        }
        return 0;
    }

    /**
     * Without {@code --node-zone}, the zone comes from this node's Node object (read before the first publish, then
     * followed). A Node that cannot be read leaves the node without a zone, so zone hints are not followed; said
     * once on standard error.
     *
     * @return the Node's watch, or null when the zone is given or cannot be read
     */
    private NodeZoneWatch followZone(final KubernetesClient client, final ControlPlane cp,
        final LiveControlPlane live) throws Exception
    {
        if (!network.zone.isEmpty() || node.nodeName.isEmpty())
        {
            return null;
        }
        try
        {
            final String zone = NodeZoneWatch.read(client, node.nodeName);
            // Before the first list, on the thread that owns the control plane from now on.
            live.onControlPlaneThread(() ->
            {
                cp.nodeNetwork(cp.nodeNetwork().withZone(zone));
                return null;
            });
            return NodeZoneWatch.follow(client, node.nodeName, live);
        }
        catch (final KubernetesClientException ex)
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.println("vipflow watch: cannot read Node " + node.nodeName + " (" + ex.getMessage().lines().findFirst()
                .orElse("") + "); no zone, so EndpointSlice zone hints are not followed (--node-zone sets it)");
            err.flush();
            return null;
        }
    }

    private void validate()
    {
        node.validate(spec.commandLine());
        if (windowMillis < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--window must be ≥ 0");
        }
        if (durationSeconds != null && !(durationSeconds > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be > 0");
        }
        if (traffic != null && traffic.syntheticRate != null && !(traffic.syntheticRate > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic-rate must be > 0");
        }
        if (!(syncTimeoutSeconds > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sync-timeout must be > 0");
        }
    }

    /**
     * @throws IOException with one line naming the file when it is missing or not a usable kubeconfig.
     */
    static Config loadConfig(final Path file, final String context) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            throw new IOException(file + ": no such file");
        }
        // Without a server of its own the client would fall back to the in-cluster address: say so instead.
        Kubeconfigs.requireServer(file, context);
        final Config config;
        try
        {
            config = Config.fromKubeconfig(context, file.toFile());
        }
        catch (final RuntimeException ex)
        {
            throw new IOException(file + ": not a usable kubeconfig: " + KubeWatch.oneLine(ex));
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank())
        {
            throw new IOException(file + ": names no API server (no current context with a cluster server)");
        }
        return config;
    }

    private void runTraffic(final Classifier classifier, final LiveControlPlane live, final WatchOutput output,
        final long end) throws IOException
    {
        if (traffic != null && traffic.trace != null)
        {
            playTrace(classifier, output, end);
        }
        else if (traffic != null && traffic.syntheticRate != null)
        {
            synthetic(classifier, live, output, end);
        }
        else
        {
            sleepUntil(end);
        }
    }

    private void synthetic(final Classifier classifier, final LiveControlPlane live, final WatchOutput output,
        final long end) throws IOException
    {
        final SyntheticTraffic source = new SyntheticTraffic(1);
        final Decision d = new Decision();
        final long interval = Math.max(1, (long)(1e9 / traffic.syntheticRate));
        long next = System.nanoTime();
        long index = 0;
        while (next - end < 0)
        {
            sleepUntil(next);
            if (source.next(live.current(), d.tuple))
            {
                classifier.classify(d.tuple, System.nanoTime(), d);
                output.decision(index++, Clocks.epochNanos(), true, d);
            }
            next += interval;
        }
    }

    private void playTrace(final Classifier classifier, final WatchOutput output, final long end) throws IOException
    {
        try (TraceReader trace = TraceReader.open(traffic.trace))
        {
            final TracePacket packet = new TracePacket();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);
            final Decision d = new Decision();
            final long start = System.nanoTime();
            long first = TracePacket.NO_TIMESTAMP;
            while (System.nanoTime() - end < 0 && trace.next(packet))
            {
                if (packet.timestampNanos != TracePacket.NO_TIMESTAMP)
                {
                    if (first == TracePacket.NO_TIMESTAMP)
                    {
                        first = packet.timestampNanos;
                    }
                    // The capture's own spacing, so changes land between the packets they fell between live.
                    final long due = start + (packet.timestampNanos - first);
                    if (due - end >= 0)
                    {
                        break;
                    }
                    sleepUntil(due);
                }
                if (frame.byteArray() != packet.data)
                {
                    frame.wrap(packet.data);
                }
                final long now = System.nanoTime();
                classifier.classifyFrame(frame, 0, packet.capturedLength, packet.originalLength, packet.linkType,
                    now, d);
                if (d.verdict() == Verdict.PASS && d.parsed() && d.servicePort() == null)
                {
                    classifier.classifyReply(d.tuple, now, d);
                }
                output.decision(packet.index, Clocks.epochNanos(), d.parsed(), d);
            }
        }
    }

    private static void sleepUntil(final long deadline)
    {
        long left;
        while ((left = deadline - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(Math.min(left, 100_000_000L));
            if (Thread.currentThread().isInterrupted())
            {
                return;
            }
        }
    }
}
