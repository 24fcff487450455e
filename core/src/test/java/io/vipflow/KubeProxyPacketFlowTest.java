package io.vipflow;

import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vipflow.KubeProxyFlows.EXTERNAL_CLIENT;
import static io.vipflow.KubeProxyFlows.NODE;
import static io.vipflow.KubeProxyFlows.NODE_IP;
import static io.vipflow.KubeProxyFlows.POD_CIDR;
import static io.vipflow.KubeProxyFlows.SERVICE_CIDR;
import static io.vipflow.KubeProxyFlows.flow;

/**
 * kube-proxy's packet-flow tests of Services without endpoints, NodePorts, external IPs and terminating endpoints
 * (nftables {@code pkg/proxy/nftables/proxier_test.go}: {@code TestNoEndpointsReject}, {@code TestNodePorts},
 * {@code TestInternalTrafficPolicy}, {@code TestTerminatingEndpointsTrafficPolicyLocal}, {@code TestTerminatingEndpointsTrafficPolicyCluster}), flow by
 * flow under the upstream names and with the upstream addresses ({@code NewFakeProxier}: node 192.168.0.2, alternate
 * 192.168.1.2, IPv6 2001:db8::1 and 2001:db8:1::2; pods 10.0.0.0/8; Services 172.30.0.0/16).
 */
class KubeProxyPacketFlowTest
{
    private static final String POD = "10.0.0.2";
    private static final String NODE_IP_ALT = "192.168.1.2";
    private static final String NODE_IP_V6 = "2001:db8::1";
    private static final String NODE_IP_V6_ALT = "2001:db8:1::2";

    private static NodeNetwork upstreamNetwork()
    {
        return NodeNetwork.defaults().withClusterCidrs(List.of(POD_CIDR)).withServiceCidrs(List.of(SERVICE_CIDR));
    }

    /**
     * {@code TestNoEndpointsReject}: a LoadBalancer Service without endpoints rejects connections to its ClusterIP,
     * external IP, NodePort and load-balancer IP, from pods and from outside ({@code syncProxyRules}: the
     * {@code no-endpoint-services} and {@code no-endpoint-nodeports} maps send them to {@code reject-chain}).
     */
    @Test
    void noEndpointsReject()
    {
        new KubeProxyFlows().network(upstreamNetwork())
            .service(ServiceSpec.builder("ns1", "svc1").type(ServiceType.LOAD_BALANCER).clusterIps("172.30.0.41")
                .externalIps(List.of("192.168.99.11")).loadBalancerIps(List.of("1.2.3.4"))
                .ports(new ServicePortSpec("p80", 80, Protocol.TCP, 3001)).build())
            .check("TestNoEndpointsReject", List.of(
                flow("pod to cluster IP with no endpoints", POD, "172.30.0.41", 80, "REJECT", false),
                flow("external to external IP with no endpoints", EXTERNAL_CLIENT, "192.168.99.11", 80, "REJECT",
                    false),
                flow("pod to NodePort with no endpoints", POD, NODE_IP, 3001, "REJECT", false),
                flow("external to NodePort with no endpoints", EXTERNAL_CLIENT, NODE_IP, 3001, "REJECT", false),
                flow("pod to LoadBalancer IP with no endpoints", POD, "1.2.3.4", 80, "REJECT", false),
                flow("external to LoadBalancer IP with no endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT",
                    false)));
    }

    /**
     * {@code TestNodePorts}: a NodePort Service (3001) with an endpoint without node name and one on this node.
     * kube-proxy serves NodePorts on the addresses {@code --nodeport-addresses} selects (by default the node's
     * primary address of the family); vipflow serves them on the node addresses it is given, so each upstream
     * sub-case gives the addresses its flag selects: the primary one alone ("secondary nodeIP ignores NodePorts": no
     * rule, the packet passes), or both.
     */
    @Test
    void nodePorts()
    {
        nodePortCase("ipv4", false, List.of(NODE_IP), NODE_IP, NODE_IP_ALT);
        nodePortCase("ipv4, multiple nodeport-addresses", false, List.of(NODE_IP, NODE_IP_ALT, NODE_IP_V6),
            NODE_IP, NODE_IP_ALT);
        nodePortCase("ipv6", true, List.of(NODE_IP_V6), NODE_IP_V6, NODE_IP_V6_ALT);
        nodePortCase("ipv6, multiple nodeport-addresses", true,
            List.of(NODE_IP, NODE_IP_ALT, NODE_IP_V6, NODE_IP_V6_ALT), NODE_IP_V6, NODE_IP_V6_ALT);
    }

    private static void nodePortCase(final String name, final boolean ipv6, final List<String> nodePortAddresses,
        final String nodeIp, final String altNodeIp)
    {
        final String svcIp = ipv6 ? "fd00:172:30::41" : "172.30.0.41";
        final String ep1 = ipv6 ? "fd00:10:180::1" : "10.180.0.1";
        final String ep2 = ipv6 ? "fd00:10:180::2:1" : "10.180.2.1";
        final String pod = ipv6 ? "fd00:10::2" : POD;
        final String external = ipv6 ? "2600:5200::1" : EXTERNAL_CLIENT;
        final String output = ipv6 ? "[" + ep1 + "]:80, [" + ep2 + "]:80" : ep1 + ":80, " + ep2 + ":80";
        final KubeProxyFlows flows = new KubeProxyFlows(nodePortAddresses)
            .network(NodeNetwork.defaults().withClusterCidrs(List.of(POD_CIDR, "fd00:10::/64")))
            .service(ServiceSpec.builder("ns1", "svc1").type(ServiceType.NODE_PORT).clusterIps(svcIp)
                .ports(new ServicePortSpec("p80", 80, Protocol.TCP, 3001)).build());
        flows.controlPlane.upsertSlice(new EndpointSliceSpec("ns1", "svc1-1", "svc1", ipv6,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)),
            List.of(new EndpointSpec(List.of(ep1), true, true, false, "", ""), EndpointSpec.ready(ep2, NODE))));
        final boolean allowAlt = nodePortAddresses.contains(altNodeIp);
        flows.check("TestNodePorts " + name, List.of(
            flow("pod to cluster IP", pod, svcIp, 80, output, false),
            flow("external to nodePort", external, nodeIp, 3001, output, true),
            flow("node to nodePort", nodeIp, nodeIp, 3001, output, true),
            allowAlt ? flow("external to nodePort on secondary IP", external, altNodeIp, 3001, output, true) :
                flow("secondary nodeIP ignores NodePorts", external, altNodeIp, 3001, "PASS", false)));
    }

    /**
     * {@code TestInternalTrafficPolicy}: a ClusterIP Service with three ready endpoints; under
     * {@code internalTrafficPolicy: Local} only this node's endpoints, and none here is a DROP
     * ({@code syncProxyRules}: the {@code no-endpoint-services} map drops for a Local policy without local endpoints);
     * with the slice deleted, REJECT.
     */
    @Test
    void internalTrafficPolicy()
    {
        internalPolicyCase("internalTrafficPolicy is cluster", false,
            List.of("10.0.1.1", NODE, "10.0.1.2", "node1", "10.0.1.3", "node2"),
            flow("pod to ClusterIP hits all endpoints", POD, "172.30.1.1", 80, "10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80",
                false));
        internalPolicyCase("internalTrafficPolicy is local and there is one local endpoint", true,
            List.of("10.0.1.1", NODE, "10.0.1.2", "node1", "10.0.1.3", "node2"),
            flow("pod to ClusterIP hits only local endpoint", POD, "172.30.1.1", 80, "10.0.1.1:80", false));
        internalPolicyCase("internalTrafficPolicy is local and there are multiple local endpoints", true,
            List.of("10.0.1.1", NODE, "10.0.1.2", NODE, "10.0.1.3", "node2"),
            flow("pod to ClusterIP hits all local endpoints", POD, "172.30.1.1", 80, "10.0.1.1:80, 10.0.1.2:80",
                false));
        internalPolicyCase("internalTrafficPolicy is local and there are no local endpoints", true,
            List.of("10.0.1.1", "node0", "10.0.1.2", "node1", "10.0.1.3", "node2"),
            flow("no endpoints", POD, "172.30.1.1", 80, "DROP", false));
    }

    /** One case: the endpoints as address, node pairs, all ready. */
    private static void internalPolicyCase(final String name, final boolean internalLocal,
        final List<String> addressNodePairs, final KubeProxyFlows.Flow flow)
    {
        final KubeProxyFlows flows = new KubeProxyFlows().network(upstreamNetwork())
            .service(ServiceSpec.builder("ns1", "svc1").clusterIps("172.30.1.1")
                .ports(new ServicePortSpec("", 80, Protocol.TCP, 0)).internalTrafficLocal(internalLocal).build());
        final List<EndpointSpec> endpoints = new ArrayList<>();
        for (int i = 0; i < addressNodePairs.size(); i += 2)
        {
            endpoints.add(EndpointSpec.ready(addressNodePairs.get(i), addressNodePairs.get(i + 1)));
        }
        flows.controlPlane.upsertSlice(new EndpointSliceSpec("ns1", "svc1-1", "svc1", false,
            List.of(new EndpointPortSpec("", 80, Protocol.TCP)), endpoints));
        flows.check("TestInternalTrafficPolicy " + name, List.of(flow));
        flows.controlPlane.deleteSlice("ns1", "svc1-1");
        flows.check("TestInternalTrafficPolicy " + name, List.of(
            flow("endpoints deleted", POD, "172.30.1.1", 80, "REJECT", false)));
    }

    /** An endpoint of the terminating-endpoints tests: ready, serving, terminating, node. */
    private static EndpointSpec ep(final String ip, final boolean ready, final boolean serving,
        final boolean terminating, final String node)
    {
        return new EndpointSpec(List.of(ip), ready, serving, terminating, node, "");
    }

    /**
     * The Service of both terminating-endpoints tests (ClusterIP 172.30.1.1, load-balancer IP 1.2.3.4, one unnamed
     * port 80) with one slice; kube-proxy's {@code CategorizeEndpoints} ({@code pkg/proxy/topology.go}) uses the
     * ready endpoints of a set, or when none is ready its serving-and-terminating ones.
     */
    private static KubeProxyFlows terminatingCase(final boolean externalLocal, final EndpointSpec... endpoints)
    {
        final KubeProxyFlows flows = new KubeProxyFlows().network(upstreamNetwork())
            .service(ServiceSpec.builder("ns1", "svc1").type(ServiceType.LOAD_BALANCER).clusterIps("172.30.1.1")
                .loadBalancerIps(List.of("1.2.3.4")).ports(new ServicePortSpec("", 80, Protocol.TCP, 0))
                .externalTrafficLocal(externalLocal).build());
        flows.controlPlane.upsertSlice(new EndpointSliceSpec("ns1", "svc1-1", "svc1", false,
            List.of(new EndpointPortSpec("", 80, Protocol.TCP)), List.of(endpoints)));
        return flows;
    }

    /** Every upstream case ends by deleting the slice: both flows are then rejected. */
    private static void afterEndpointsDeleted(final String upstreamCase, final KubeProxyFlows flows)
    {
        flows.controlPlane.deleteSlice("ns1", "svc1-1");
        flows.check(upstreamCase, List.of(
            flow("pod to clusterIP after endpoints deleted", POD, "172.30.1.1", 80, "REJECT", false),
            flow("external to LB after endpoints deleted", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false)));
    }

    /** {@code TestTerminatingEndpointsTrafficPolicyLocal}: the local set falls back to serving-terminating ones. */
    @Test
    void terminatingEndpointsTrafficPolicyLocal()
    {
        final String test = "TestTerminatingEndpointsTrafficPolicyLocal ";
        KubeProxyFlows flows = terminatingCase(true,
            ep("10.0.1.1", true, true, false, NODE), ep("10.0.1.2", true, true, false, NODE),
            ep("10.0.1.3", false, true, true, NODE), ep("10.0.1.4", false, false, true, NODE),
            ep("10.0.1.5", true, true, false, "node-1"));
        flows.check(test + "ready endpoints exist", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.1:80, 10.0.1.2:80", false)));
        afterEndpointsDeleted(test + "ready endpoints exist", flows);

        flows = terminatingCase(true,
            ep("10.0.1.2", false, true, true, NODE), ep("10.0.1.3", false, true, true, NODE),
            ep("10.0.1.4", false, false, true, NODE), ep("10.0.1.5", true, true, false, "node-1"));
        flows.check(test + "only terminating endpoints exist", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, "10.0.1.5:80", false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.2:80, 10.0.1.3:80", false)));
        afterEndpointsDeleted(test + "only terminating endpoints exist", flows);

        flows = terminatingCase(true, ep("10.0.1.5", false, true, true, "node-1"));
        flows.check(test + "terminating endpoints on remote node", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, "10.0.1.5:80", false),
            flow("external to LB, no locally-usable endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "DROP", false)));
        afterEndpointsDeleted(test + "terminating endpoints on remote node", flows);

        // Upstream lists 10.0.1.5 twice (local, then remote), neither ready nor serving.
        flows = terminatingCase(true, ep("10.0.1.5", false, false, true, NODE),
            ep("10.0.1.5", false, false, true, "node-1"));
        flows.check(test + "no usable endpoints on any node", List.of(
            flow("pod to clusterIP, no usable endpoints", POD, "172.30.1.1", 80, "REJECT", false),
            flow("external to LB, no usable endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false)));
        afterEndpointsDeleted(test + "no usable endpoints on any node", flows);
    }

    /** {@code TestTerminatingEndpointsTrafficPolicyCluster}: the cluster set falls back to serving-terminating ones. */
    @Test
    void terminatingEndpointsTrafficPolicyCluster()
    {
        final String test = "TestTerminatingEndpointsTrafficPolicyCluster ";
        KubeProxyFlows flows = terminatingCase(false,
            ep("10.0.1.1", true, true, false, NODE), ep("10.0.1.2", true, true, false, NODE),
            ep("10.0.1.3", false, true, true, "another-node"), ep("10.0.1.4", false, false, true, "another-node"),
            ep("10.0.1.5", true, true, false, "another-node"));
        final String ready = "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80";
        flows.check(test + "ready endpoints exist", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, ready, false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, ready, true)));
        afterEndpointsDeleted(test + "ready endpoints exist", flows);

        flows = terminatingCase(false,
            ep("10.0.1.2", false, true, true, NODE), ep("10.0.1.3", false, true, true, NODE),
            ep("10.0.1.4", false, false, true, "another-node"), ep("10.0.1.5", false, true, true, "another-node"));
        final String serving = "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80";
        flows.check(test + "only terminating endpoints exist", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, serving, false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, serving, true)));
        afterEndpointsDeleted(test + "only terminating endpoints exist", flows);

        flows = terminatingCase(false, ep("10.0.1.5", false, true, true, "node-1"));
        flows.check(test + "terminating endpoints on remote node", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, "10.0.1.5:80", false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.5:80", true)));
        afterEndpointsDeleted(test + "terminating endpoints on remote node", flows);

        flows = terminatingCase(false, ep("10.0.1.5", false, false, true, NODE),
            ep("10.0.1.5", false, false, true, "node-1"));
        flows.check(test + "no usable endpoints on any node", List.of(
            flow("pod to clusterIP", POD, "172.30.1.1", 80, "REJECT", false),
            flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false)));
        afterEndpointsDeleted(test + "no usable endpoints on any node", flows);
    }
}
