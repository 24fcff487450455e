package io.vipflow.harness.replay;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ChurnReader;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.k8s.KubeObjectReader;
import io.vipflow.harness.k8s.ServiceIpRules;
import io.vipflow.harness.output.OutputFile;
import io.vipflow.harness.trace.TracePacket;
import io.vipflow.harness.trace.TraceReader;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Replays a packet capture against Kubernetes objects and timed churn: every packet is classified at its
 * capture time, after every churn event due by then has been published. Single-threaded and deterministic.
 */
public final class Replayer
{
    /**
     * What to replay.
     *
     * @param rejected receives one line for each churn object refused (the replay goes on with the object's last
     *                 valid version); null to end the replay on the first one instead.
     */
    public record Options(Path cluster, Path trace, Path churn, String nodeName, List<String> nodeIps,
        String scheduler, Path decisions, ClassifierConfig config, Consumer<String> rejected, ProxyMode proxyMode,
        NodeNetwork network)
    {
        /** Options that end the replay on the first refused churn object. */
        public Options(final Path cluster, final Path trace, final Path churn, final String nodeName,
            final List<String> nodeIps, final String scheduler, final Path decisions, final ClassifierConfig config)
        {
            this(cluster, trace, churn, nodeName, nodeIps, scheduler, decisions, config, null);
        }

        /** Options for the nftables mode and the default {@link NodeNetwork} (no zone, no CIDRs). */
        public Options(final Path cluster, final Path trace, final Path churn, final String nodeName,
            final List<String> nodeIps, final String scheduler, final Path decisions, final ClassifierConfig config,
            final Consumer<String> rejected)
        {
            this(cluster, trace, churn, nodeName, nodeIps, scheduler, decisions, config, rejected, ProxyMode.NFTABLES,
                NodeNetwork.defaults());
        }
    }

    /** A churn object the control plane refused, named by file and event. */
    public static final class ReplayException extends IOException
    {
        private static final long serialVersionUID = 1L;

        ReplayException(final String message)
        {
            super(message);
        }
    }

    private Replayer()
    {
    }

    public static ReplaySummary run(final Options options) throws IOException
    {
        final ClusterObjects objects = KubeObjectReader.read(options.cluster());
        // The starting state must be valid as a whole; a churn event that breaks a rule is only left out, as a
        // live watch leaves out a refused change, so the object keeps its last valid version.
        final Consumer<String> rejected = options.rejected();
        final List<ChurnEvent> churn = options.churn() == null ? List.of() : ChurnReader.read(options.churn(),
            rejected == null ? null : ex -> rejected.accept(ex.getMessage()));
        final ControlPlane cp = new ControlPlane(options.nodeName(), options.nodeIps(), options.scheduler(), 1)
            .proxyMode(options.proxyMode());
        cp.nodeNetwork(options.network());
        try
        {
            TableBudget.require(options.cluster().toString(), objects, options.scheduler(), 1,
                Runtime.getRuntime().maxMemory());
            ClusterApplier.applyAll(cp, objects);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ReplayException(options.cluster() + ": " + ex.getMessage());
        }
        cp.publish();
        // Decisions replace the target only when the whole trace was read, so a bad trace never leaves a
        // half-written file in place of an earlier good one.
        try (OutputFile out = OutputFile.open(options.decisions()))
        {
            final ReplaySummary summary = replay(options, cp, objects, churn, out.stream());
            out.commit();
            return summary;
        }
    }

    private static ReplaySummary replay(final Options options, final ControlPlane cp, final ClusterObjects objects,
        final List<ChurnEvent> churn, final OutputStream out) throws IOException
    {
        // The reader checked the file's Services against each other; churn is checked against them.
        final ServiceIpRules ipRules = new ServiceIpRules();
        objects.services().forEach(ipRules::admit);
        final ReplaySummary summary = new ReplaySummary();
        try (TraceReader trace = TraceReader.open(options.trace());
            DecisionWriter writer = new DecisionWriter(out);
            Classifier classifier = new Classifier(cp, options.config()))
        {
            final TracePacket packet = new TracePacket();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);
            final Decision d = new Decision();
            long firstNanos = Long.MIN_VALUE;
            int nextEvent = 0;
            while (trace.next(packet))
            {
                final long now = packet.timestampNanos == TracePacket.NO_TIMESTAMP ?
                    (firstNanos == Long.MIN_VALUE ? 0 : firstNanos) : packet.timestampNanos;
                if (firstNanos == Long.MIN_VALUE)
                {
                    firstNanos = now;
                }
                boolean changed = false;
                while (nextEvent < churn.size() && firstNanos + churn.get(nextEvent).atNanos() <= now)
                {
                    changed |= apply(cp, ipRules, churn.get(nextEvent), nextEvent, options);
                    summary.churnApplied();
                    nextEvent++;
                }
                if (changed)
                {
                    cp.publish();
                }
                if (frame.byteArray() != packet.data)
                {
                    frame.wrap(packet.data);
                }
                classifier.classifyFrame(frame, 0, packet.capturedLength, packet.originalLength, packet.linkType,
                    now, d);
                if (d.verdict() == Verdict.PASS && d.parsed() && d.servicePort() == null)
                {
                    // A capture taken on a node also holds the backends' answers: match them to their flows.
                    classifier.classifyReply(d.tuple, now, d);
                }
                writer.write(packet.index, now, d.parsed(), d);
                summary.record(d);
            }
        }
        return summary;
    }

    /**
     * @return true when the event changed the control plane's state.
     */
    private static boolean apply(final ControlPlane cp, final ServiceIpRules ipRules, final ChurnEvent event,
        final int index, final Options options) throws ReplayException
    {
        try
        {
            ipRules.admit(event);
            ClusterApplier.apply(cp, event);
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            final String message = options.churn() + ": event " + (index + 1) + " (" + event.type() + " " +
                (event.kind() == ChurnEvent.Kind.SERVICE ? "Service " : "EndpointSlice ") + event.key() + " at " + event.atSeconds() + " s): " + ex.getMessage();
            if (options.rejected() == null)
            {
                throw new ReplayException(message);
            }
            options.rejected().accept(message);
            return false;
        }
    }
}
