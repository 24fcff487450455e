package io.vipflow.harness.gen;

import io.vipflow.ClassifierConfig;
import io.vipflow.harness.k8s.ChurnEvent;
import io.vipflow.harness.oracle.Expectation;
import io.vipflow.harness.oracle.ReferenceModel;
import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A cluster, its churn and client traffic, ready to be played against a proxy under test and vipflow's reference
 * model of Kubernetes Service semantics. Made by {@link Generators#workloads()}.
 * <p>
 * Thread contract: immutable; {@link #play} runs on the calling thread.
 *
 * @param shape           the cluster at time 0.
 * @param script          the churn script.
 * @param cluster         the generated Services, EndpointSlices and watch events.
 * @param traffic         the traffic model.
 * @param seed            seed of the traffic.
 * @param durationSeconds simulated length, seconds.
 * @param maxPackets      packets played at most.
 */
public record Workload(ClusterShape shape, List<ChurnAction> script, GeneratedCluster cluster, TrafficModel traffic,
    long seed, double durationSeconds, long maxPackets)
{
    public Workload
    {
        Objects.requireNonNull(cluster, "cluster");
        script = List.copyOf(script);
    }

    /** Checks one packet; see {@link #play}. */
    @FunctionalInterface
    public interface PacketCheck
    {
        /**
         * @param packet   the client's packet; valid during the call only.
         * @param nowNanos its time, nanoseconds from the start.
         * @param expected what the semantics allow.
         * @return the backend ({@code ip:port}) the proxy sent the packet to, or null when it did not forward it.
         */
        String check(PacketTuple packet, long nowNanos, Expectation expected);
    }

    /** The traffic of this workload, from its first packet. */
    public TrafficGenerator newTraffic()
    {
        return new TrafficGenerator(traffic, cluster.services(), seed, durationSeconds, maxPackets);
    }

    /**
     * Plays the workload: before each packet, every churn event due by its time goes to {@code churn} (apply it to
     * the proxy under test) and to the reference model; then {@code check} sees the packet with the model's
     * expectation and reports what the proxy did, which the model records (new flows may go to any allowed
     * backend; later packets of the flow must follow).
     *
     * @param churn receives the watch events, in order; the initial objects are in {@code cluster().initial()}.
     * @param check checks each packet.
     * @return packets played.
     */
    public long play(final Consumer<ChurnEvent> churn, final PacketCheck check)
    {
        final ReferenceModel model = new ReferenceModel(ClusterGenerator.BALANCER_NODE,
            List.of(ClusterGenerator.BALANCER_NODE_IP), ClassifierConfig.defaults());
        cluster.initial().services().forEach(model::upsertService);
        cluster.initial().slices().forEach(model::upsertSlice);
        final TrafficGenerator packets = newTraffic();
        final PacketTuple t = new PacketTuple();
        final PacketMeta meta = new PacketMeta();
        final List<ChurnEvent> events = cluster.events();
        int next = 0;
        long played = 0;
        while (packets.peekNanos() != TrafficGenerator.END)
        {
            final long now = packets.peekNanos();
            while (next < events.size() && events.get(next).atNanos() <= now)
            {
                final ChurnEvent e = events.get(next++);
                churn.accept(e);
                apply(model, e);
            }
            packets.next(t, meta);
            final Expectation expected = model.expect(t, now);
            model.commit(expected, check.check(t, now, expected));
            played++;
        }
        return played;
    }

    /** Applies a watch event to a reference model, as {@code ClusterApplier} does to a control plane. */
    public static void apply(final ReferenceModel model, final ChurnEvent e)
    {
        final boolean service = e.kind() == ChurnEvent.Kind.SERVICE;
        if (e.type() == ChurnEvent.Type.DELETED)
        {
            if (service)
            {
                model.deleteService(e.namespace(), e.name());
            }
            else
            {
                model.deleteSlice(e.namespace(), e.name());
            }
        }
        else if (service && e.service() != null)
        {
            model.upsertService(e.service());
        }
        else if (!service && e.slice() != null)
        {
            model.upsertSlice(e.slice());
        }
    }

    @Override
    public String toString()
    {
        return "Workload(seed " + seed + ", " + durationSeconds + " s, " + shape + ", script " + script + ", " +
            traffic + ")";
    }
}
