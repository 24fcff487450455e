package io.vipflow.harness.oracle;

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
     * @param nodeName this node's name ("" means no endpoint is local)
     * @param port     the Service port
     * @param ipv6     the address family of the frontends being served
     * @param slices   the Service's EndpointSlices, in any order
     */
    static BackendSelection select(final String nodeName, final ServicePortSpec port, final boolean ipv6,
        final List<EndpointSliceSpec> slices)
    {
        final List<EndpointSliceSpec> byName = new ArrayList<>(slices);
        byName.sort(Comparator.comparing(EndpointSliceSpec::name));

        // Listed backends: slices of the frontend's family, in slice-name order; the backend port is the slice
        // port with the Service port's name and protocol (§2); the endpoint's first address; first listing wins.
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
                listed.putIfAbsent(ModelAddress.socket(endpoint.addresses().get(0), target.port()), endpoint);
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
        return new BackendSelection(nodes, categorize(listed), categorize(onThisNode));
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
