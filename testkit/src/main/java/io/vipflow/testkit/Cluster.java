package io.vipflow.testkit;

import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Services and EndpointSlices at the start of a workload, as core's own spec types, and the node the proxy
 * under test runs on (its name decides which endpoints are local, its address is where NodePorts are reached).
 * <p>
 * Thread contract: immutable.
 *
 * @param nodeName the proxy's node.
 * @param nodeIp   the proxy node's address.
 * @param services the Services.
 * @param slices   the EndpointSlices.
 */
public record Cluster(String nodeName, String nodeIp, List<ServiceSpec> services, List<EndpointSliceSpec> slices)
{
    /**
     * Copies the lists.
     *
     * @param nodeName as {@link #nodeName()}.
     * @param nodeIp as {@link #nodeIp()}.
     * @param services as {@link #services()}.
     * @param slices as {@link #slices()}.
     */
    public Cluster
    {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(nodeIp, "nodeIp");
        services = List.copyOf(services);
        slices = List.copyOf(slices);
    }

    /**
     * One line per Service and one per slice, indented by two spaces, e.g.
     * {@code Service default/svc-0 NodePort 10.96.0.10 http:80/TCP(node 30080) affinity} and
     * {@code   slice default/svc-0-1: 10.244.1.1:8080 (node-1 ready), 10.244.2.2:8080 (node-2 not-ready)}.
     *
     * @return the lines.
     */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        for (final ServiceSpec s : services)
        {
            lines.add("  " + describe(s));
            for (final EndpointSliceSpec slice : slices)
            {
                if (slice.serviceKey().equals(s.key()))
                {
                    lines.add("    " + describe(slice));
                }
            }
        }
        return lines;
    }

    /**
     * @param s a Service.
     * @return one line naming its type, addresses, ports and options.
     */
    static String describe(final ServiceSpec s)
    {
        final StringBuilder b = new StringBuilder("Service ").append(s.key()).append(' ').append(typeName(s.type()))
            .append(' ').append(String.join(",", s.clusterIps()));
        if (!s.loadBalancerIps().isEmpty())
        {
            b.append(" lb ").append(String.join(",", s.loadBalancerIps()));
        }
        for (final ServicePortSpec p : s.ports())
        {
            b.append(' ').append(p.name()).append(':').append(p.port()).append('/').append(p.protocol());
            if (p.nodePort() != 0)
            {
                b.append("(node ").append(p.nodePort()).append(')');
            }
        }
        if (s.affinityTimeoutSeconds() > 0)
        {
            b.append(" affinity ").append(s.affinityTimeoutSeconds()).append('s');
        }
        if (s.externalTrafficLocal())
        {
            b.append(" externalTrafficPolicy=Local");
        }
        return b.toString();
    }

    /**
     * @param slice an EndpointSlice.
     * @return one line listing its endpoints with node and condition.
     */
    static String describe(final EndpointSliceSpec slice)
    {
        final List<String> endpoints = new ArrayList<>();
        final String port = slice.ports().isEmpty() ? "" : ":" + slice.ports().get(0).port();
        for (final EndpointSpec e : slice.endpoints())
        {
            final String address = e.addresses().get(0);
            endpoints.add((address.indexOf(':') >= 0 ? "[" + address + "]" : address) + port + " (" + e.nodeName() + " " + condition(e) + ")");
        }
        return "slice " + slice.key() + ": " + (endpoints.isEmpty() ? "no endpoints" : String.join(", ", endpoints));
    }

    private static String condition(final EndpointSpec e)
    {
        if (e.ready())
        {
            return "ready";
        }
        return e.terminating() ? (e.serving() ? "terminating-serving" : "terminating") : "not-ready";
    }

    private static String typeName(final ServiceType type)
    {
        switch (type)
        {
            case NODE_PORT:
                return "NodePort";
            case LOAD_BALANCER:
                return "LoadBalancer";
            case EXTERNAL_NAME:
                return "ExternalName";
            default:
                return "ClusterIP";
        }
    }
}
