package io.vipflow.testkit;

import java.util.List;
import java.util.Objects;

/**
 * A cluster, the changes made to it while traffic flows, and the client packets, all in time order: one case of
 * a property test of a proxy. Made by {@link Workloads}; played by {@link ProxyProperty}.
 * <p>
 * Thread contract: immutable.
 *
 * @param cluster the Services and EndpointSlices at time 0 and the proxy's node.
 * @param changes watch events after time 0, in time order.
 * @param packets client packets, in time order.
 */
public record Workload(Cluster cluster, List<ChurnEvent> changes, List<Packet> packets)
{
    /**
     * Copies the lists.
     *
     * @param cluster as {@link #cluster()}.
     * @param changes as {@link #changes()}.
     * @param packets as {@link #packets()}.
     */
    public Workload
    {
        Objects.requireNonNull(cluster, "cluster");
        changes = List.copyOf(changes);
        packets = List.copyOf(packets);
    }

    /**
     * @param e a change.
     * @return {@code t=1.204s slice default/svc-0-1: ...} or {@code t=2.000s Service default/svc-1 deleted}.
     */
    static String describe(final ChurnEvent e)
    {
        final String at = String.format(java.util.Locale.ROOT, "t=%.3fs ", e.atSeconds());
        if (e.type() == ChurnEvent.Type.DELETED)
        {
            return at + (e.kind() == ChurnEvent.Kind.SERVICE ? "Service " : "slice ") + e.key() + " deleted";
        }
        return at + (e.service() != null ? Cluster.describe(e.service()) : Cluster.describe(e.slice()));
    }

    /**
     * @return a one-line summary: Services, changes and packets counted.
     */
    @Override
    public String toString()
    {
        return "Workload(" + cluster.services().size() + " Services, " + changes.size() + " changes, " +
            packets.size() + " packets)";
    }
}
