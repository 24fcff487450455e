package io.vipflow.harness.gen;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster a scenario starts from: nodes and the Services (with their Deployments) present at time 0.
 * <p>
 * Thread contract: immutable.
 *
 * @param nodes    worker nodes, named {@code node-1} .. {@code node-N}; each has its own pod CIDR.
 * @param services Services present at the start, in declaration order (which fixes their ClusterIPs).
 */
public record ClusterShape(int nodes, List<ServiceShape> services)
{
    public ClusterShape
    {
        services = List.copyOf(services);
        if (nodes < 1 || nodes > ClusterGenerator.MAX_NODES)
        {
            throw new IllegalArgumentException("nodes " + nodes + " out of range 1.." + ClusterGenerator.MAX_NODES);
        }
        final Set<String> keys = new HashSet<>();
        for (final ServiceShape s : services)
        {
            if (!keys.add(s.key()))
            {
                throw new IllegalArgumentException("Service " + s.key() + " declared twice");
            }
        }
    }
}
