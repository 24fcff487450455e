package io.vipflow.testkit.oracle;

import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ServicePortSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * docs/SEMANTICS.md §2 for the reference model: which endpoints are listed for a Service port, and which of them
 * may take a new flow. Straight from the spec, one rule per step.
 */
final class EndpointSelection
{
    private EndpointSelection()
    {
    }

    /**
     * @param nodeName       this node's name ("" means no endpoint is local)
     * @param zone           this node's zone label ("" when it has none)
     * @param preferSameNode whether node hints count (kube-proxy's {@code PreferSameTrafficDistribution} gate)
     * @param port           the Service port
     * @param ipv6           the address family of the frontends being served
     * @param slices         the Service's EndpointSlices, in any order
     */
    static BackendSelection select(final String nodeName, final String zone, final boolean preferSameNode,
        final ServicePortSpec port, final boolean ipv6, final List<EndpointSliceSpec> slices)
    {
        final List<EndpointSliceSpec> byName = new ArrayList<>(slices);
        byName.sort(Comparator.comparing(EndpointSliceSpec::name));

        // Listed backends: slices of the frontend's family, in slice-name order; the backend port is the slice
        // port with the Service port's name and protocol (§2); the endpoint's first address; of two listings of
        // one address a non-terminating one wins, else the first (kube-proxy endpointslicecache.go addEndpoints).
        final Map<String, EndpointSpec> listed = new LinkedHashMap<>();
        for (final EndpointSliceSpec slice : byName)
        {
            if (slice.ipv6() != ipv6)
            {
                continue;
            }
            final EndpointPortSpec target = matchingPort(slice, port);
            if (target == null)
            {
                continue;
            }
            for (final EndpointSpec endpoint : slice.endpoints())
            {
                listed.merge(ModelAddress.socket(endpoint.addresses().get(0), target.port()), endpoint,
                    (held, other) -> held.terminating() && !other.terminating() ? other : held);
            }
        }

        // §2 rule 2: the local candidates are the endpoints on this node; an unset node name is never local.
        final Map<String, EndpointSpec> onThisNode = new LinkedHashMap<>();
        for (final Map.Entry<String, EndpointSpec> e : listed.entrySet())
        {
            if (!nodeName.isEmpty() && nodeName.equals(e.getValue().nodeName()))
            {
                onThisNode.put(e.getKey(), e.getValue());
            }
        }
        final Map<String, String> nodes = new LinkedHashMap<>();
        listed.forEach((name, endpoint) -> nodes.put(name, endpoint.nodeName()));
        return new BackendSelection(nodes, clusterSet(listed, nodeName, zone, preferSameNode),
            categorize(onThisNode));
    }

    /**
     * kube-proxy topology (pkg/proxy/topology.go): look at the ready endpoints. If node hints count, every ready
     * endpoint has some, and some ready endpoint's node hints name this node, keep the ready endpoints hinted for
     * this node. Otherwise, if every ready endpoint has zone hints and some ready endpoint's name this node's
     * (non-empty) zone, keep the ready endpoints hinted for that zone. Otherwise keep every ready endpoint. With no
     * ready endpoint at all, the serving and terminating ones, hints ignored.
     */
    static TreeSet<String> clusterSet(final Map<String, EndpointSpec> listed, final String nodeName,
        final String zone, final boolean preferSameNode)
    {
        final Map<String, EndpointSpec> ready = new LinkedHashMap<>();
        listed.forEach((name, e) ->
        {
            if (e.ready())
            {
                ready.put(name, e);
            }
        });
        if (ready.isEmpty())
        {
            return categorize(listed);
        }
        if (preferSameNode && ready.values().stream().allMatch(e -> !e.nodeHints().isEmpty()) &&
            ready.values().stream().anyMatch(e -> e.nodeHints().contains(nodeName)))
        {
            return namesWhere(ready, e -> e.nodeHints().contains(nodeName));
        }
        if (!zone.isEmpty() && ready.values().stream().allMatch(e -> !e.zoneHints().isEmpty()) &&
            ready.values().stream().anyMatch(e -> e.zoneHints().contains(zone)))
        {
            return namesWhere(ready, e -> e.zoneHints().contains(zone));
        }
        return new TreeSet<>(ready.keySet());
    }

    private static TreeSet<String> namesWhere(final Map<String, EndpointSpec> endpoints,
        final Predicate<EndpointSpec> keep)
    {
        final TreeSet<String> out = new TreeSet<>();
        endpoints.forEach((name, e) ->
        {
            if (keep.test(e))
            {
                out.add(name);
            }
        });
        return out;
    }

    /**
     * §2 rule 1 (kube-proxy {@code CategorizeEndpoints}): the ready endpoints; when none is ready, the ones
     * that are serving and terminating.
     */
    static TreeSet<String> categorize(final Map<String, EndpointSpec> candidates)
    {
        final TreeSet<String> ready = new TreeSet<>();
        final TreeSet<String> servingTerminating = new TreeSet<>();
        for (final Map.Entry<String, EndpointSpec> e : candidates.entrySet())
        {
            if (e.getValue().ready())
            {
                ready.add(e.getKey());
            }
            if (e.getValue().serving() && e.getValue().terminating())
            {
                servingTerminating.add(e.getKey());
            }
        }
        return ready.isEmpty() ? servingTerminating : ready;
    }

    private static EndpointPortSpec matchingPort(final EndpointSliceSpec slice, final ServicePortSpec port)
    {
        for (final EndpointPortSpec p : slice.ports())
        {
            if (p.name().equals(port.name()) && p.protocol() == port.protocol())
            {
                return p;
            }
        }
        return null;
    }
}
