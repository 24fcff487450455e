package io.vipflow.harness.gen;

import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.List;

/**
 * The address plan of generated clusters and the objects of a cluster at time 0. ClusterIPs follow declaration
 * order ({@code 10.96.0.10}, {@code fd00:96::a} for the first Service), each node has a /20 (IPv4) and a /64
 * (IPv6) pod range, and pod addresses are handed out in order within a node's range, so a replaced pod always gets
 * a new address until the range wraps (4094 pods per node).
 * <p>
 * Thread contract: stateless; safe from any thread.
 */
public final class ClusterGenerator
{
    /** Most nodes a generated cluster may have (the IPv4 pod ranges must fit 10.128.0.0/10). */
    public static final int MAX_NODES = 1024;
    /** Pod addresses per node before the range wraps. */
    static final int PODS_PER_NODE = 4094;
    /** The balancer under test runs on this node (NodePorts, Local traffic policies). */
    public static final String BALANCER_NODE = "node-1";
    /** Address of {@link #BALANCER_NODE}. */
    public static final String BALANCER_NODE_IP = "192.168.0.11";

    private ClusterGenerator()
    {
    }

    /**
     * The Services, Deployments and EndpointSlices of {@code shape} with every pod ready: the state before any
     * churn.
     */
    public static ClusterObjects initial(final ClusterShape shape, final long seed)
    {
        return ChurnGenerator.generate(shape, List.of(), seed, 0).initial();
    }

    /** @return "node-N" for 1-based {@code node}. */
    public static String nodeName(final int node)
    {
        return "node-" + node;
    }

    /** The balancer node's network as the generated cluster sets it: its zone, nothing else. */
    public static NodeNetwork balancerNetwork()
    {
        return NodeNetwork.defaults().withZone(zone(1));
    }

    /** @return the zone of a node: nodes are spread over three zones. */
    public static String zone(final int node)
    {
        return "zone-" + (char)('a' + (node - 1) % 3);
    }

    /** @return the IPv4 ClusterIP of the Service declared at {@code index} (0-based). */
    public static String clusterIpv4(final int index)
    {
        final int n = 10 + index;
        return "10.96." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    /** @return the IPv6 ClusterIP of the Service declared at {@code index} (0-based). */
    public static String clusterIpv6(final int index)
    {
        return "fd00:96::" + Integer.toHexString(10 + index);
    }

    /** @return the IPv4 address of the {@code serial}th pod (1..4094) on 1-based {@code node}. */
    public static String podIpv4(final int node, final int serial)
    {
        final int v = 0x0a800000 | (node - 1) << 12 | serial;
        return (v >>> 24) + "." + (v >> 16 & 0xff) + "." + (v >> 8 & 0xff) + "." + (v & 0xff);
    }

    /** @return the IPv6 address of the {@code serial}th pod on 1-based {@code node}. */
    public static String podIpv6(final int node, final int serial)
    {
        return "fd00:10:244:" + Integer.toHexString(node) + "::" + Integer.toHexString(serial);
    }

    /** @return the Service object for {@code shape}, declared at {@code index}; primary family IPv4 when dual. */
    public static ServiceSpec service(final ServiceShape shape, final int index)
    {
        final List<String> ips = new ArrayList<>();
        if (shape.ipv4())
        {
            ips.add(clusterIpv4(index));
        }
        if (shape.ipv6())
        {
            ips.add(clusterIpv6(index));
        }
        final List<ServicePortSpec> ports = new ArrayList<>();
        for (final PortShape p : shape.ports())
        {
            ports.add(new ServicePortSpec(p.name(), p.port(), p.protocol(), 0));
        }
        return new ServiceSpec(shape.namespace(), shape.name(), ServiceType.CLUSTER_IP, ips, List.of(), List.of(),
            List.of(), ports, shape.affinitySeconds(), false, false, null, null);
    }

    /** @return the EndpointSlice ports of {@code shape}: every Service port resolved to its target port. */
    static List<EndpointPortSpec> endpointPorts(final ServiceShape shape)
    {
        final List<EndpointPortSpec> ports = new ArrayList<>();
        for (final PortShape p : shape.ports())
        {
            ports.add(new EndpointPortSpec(p.name(), p.targetPort(), p.protocol()));
        }
        return ports;
    }
}
