package io.vipflow;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vipflow.KubeProxyFlows.EXTERNAL_CLIENT;
import static io.vipflow.KubeProxyFlows.NODE;
import static io.vipflow.KubeProxyFlows.NODE_IP;
import static io.vipflow.KubeProxyFlows.POD_CIDR;
import static io.vipflow.KubeProxyFlows.SERVICE_CIDR;
import static io.vipflow.KubeProxyFlows.flow;
import static io.vipflow.KubeProxyFlows.ready;

/**
 * kube-proxy's packet-flow tests of the traffic policies and of ClusterIPs (nftables
 * {@code pkg/proxy/nftables/proxier_test.go}: {@code TestExternalTrafficPolicyLocal},
 * {@code TestExternalTrafficPolicyCluster}, {@code TestClusterIPGeneral}), flow by flow under the upstream names,
 * with the upstream node network: pod CIDR 10.0.0.0/8, Service CIDR 172.30.0.0/16.
 */
class TrafficPolicyFlowsTest
{
    private static final String POD = "10.0.0.2";
    private static final String EXTERNAL_IP = "192.168.99.11";
    private static final String BOTH = "10.180.0.1:80, 10.180.2.1:80";
    private static final String LOCAL = "10.180.2.1:80";

    private static KubeProxyFlows policyService(final boolean externalLocal)
    {
        return new KubeProxyFlows()
            .network(NodeNetwork.defaults().withClusterCidrs(List.of(POD_CIDR)).withServiceCidrs(List.of(SERVICE_CIDR)))
            .service(ServiceSpec.builder("ns1", "svc1").type(ServiceType.LOAD_BALANCER).clusterIps("172.30.0.41")
                .externalIps(List.of(EXTERNAL_IP)).loadBalancerIps(List.of("1.2.3.4"))
                .ports(new ServicePortSpec("p80", 80, Protocol.TCP, 3001)).externalTrafficLocal(externalLocal)
                .build())
            // The first endpoint has no node name, the second is on this node.
            .slice("ns1", "svc1", new EndpointSpec(List.of("10.180.0.1"), true, true, false, "", ""),
                ready("10.180.2.1", NODE));
    }

    @Test
    void externalTrafficPolicyLocal()
    {
        policyService(true).check("TestExternalTrafficPolicyLocal", List.of(
            flow("pod to cluster IP hits both endpoints, unmasqueraded", POD, "172.30.0.41", 80, BOTH, false),
            flow("pod to external IP hits both endpoints, unmasqueraded", POD, EXTERNAL_IP, 80, BOTH, false),
            flow("external to external IP hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, EXTERNAL_IP, 80,
                LOCAL, false),
            flow("pod to LB IP hits only both endpoints, unmasqueraded", POD, "1.2.3.4", 80, BOTH, false),
            flow("external to LB IP hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, "1.2.3.4", 80, LOCAL,
                false),
            flow("pod to NodePort hits both endpoints, unmasqueraded", POD, NODE_IP, 3001, BOTH, false),
            flow("external to NodePort hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, NODE_IP, 3001,
                LOCAL, false)));
    }

    @Test
    void externalTrafficPolicyCluster()
    {
        policyService(false).check("TestExternalTrafficPolicyCluster", List.of(
            flow("pod to cluster IP hits both endpoints, unmasqueraded", POD, "172.30.0.41", 80, BOTH, false),
            flow("pod to external IP hits both endpoints, masqueraded", POD, EXTERNAL_IP, 80, BOTH, true),
            flow("external to external IP hits both endpoints, masqueraded", EXTERNAL_CLIENT, EXTERNAL_IP, 80, BOTH,
                true),
            flow("pod to LB IP hits both endpoints, masqueraded", POD, "1.2.3.4", 80, BOTH, true),
            flow("external to LB IP hits both endpoints, masqueraded", EXTERNAL_CLIENT, "1.2.3.4", 80, BOTH, true),
            flow("pod to NodePort hits both endpoints, masqueraded", POD, NODE_IP, 3001, BOTH, true),
            flow("external to NodePort hits both endpoints, masqueraded", EXTERNAL_CLIENT, NODE_IP, 3001, BOTH,
                true)));
    }

    /**
     * {@code TestClusterIPGeneral}, every flow: svc1 (172.30.0.41) serves http 80/TCP on one endpoint; svc2
     * (172.30.0.42) serves http 80/TCP, https 443/TCP to 8443, dns-udp 53/UDP, dns-tcp 53/TCP to 5353 and dns-sctp
     * 53/SCTP on two. A port or protocol a ClusterIP does not serve is rejected (nftables {@code cluster-ips-check}:
     * "Reject traffic to invalid ports of ClusterIPs"), an unallocated address of the Service CIDR dropped.
     */
    @Test
    void clusterIpGeneral()
    {
        final String both8443 = "10.180.0.1:8443, 10.180.2.1:8443";
        clusterIpGeneralServices(new KubeProxyFlows())
            .check("TestClusterIPGeneral", List.of(
                flow("simple clusterIP", "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
                flow("hairpin to cluster IP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", true),
                flow("clusterIP with multiple endpoints", "10.180.0.2", "172.30.0.42", 80, BOTH, false),
                flow("clusterIP with TargetPort", "10.180.0.2", "172.30.0.42", 443, both8443, false),
                flow("clusterIP with TCP, UDP, and SCTP on same port (TCP)", "10.180.0.2", "172.30.0.42", 53,
                    "10.180.0.1:5353, 10.180.2.1:5353", false),
                // Upstream names the UDP flow "(TCP)" as well; its protocol field says UDP.
                flow("clusterIP with TCP, UDP, and SCTP on same port (TCP)", PacketTuple.PROTO_UDP, "10.180.0.2",
                    "172.30.0.42", 53, "10.180.0.1:53, 10.180.2.1:53", false),
                flow("clusterIP with TCP, UDP, and SCTP on same port (SCTP)", PacketTuple.PROTO_SCTP, "10.180.0.2",
                    "172.30.0.42", 53, "10.180.0.1:53, 10.180.2.1:53", false),
                flow("TCP-only port does not match UDP traffic", PacketTuple.PROTO_UDP, "10.180.0.2", "172.30.0.42",
                    80, "REJECT", false),
                flow("svc1 does not accept svc2's ports", "10.180.0.2", "172.30.0.41", 443, "REJECT", false),
                flow("packet to unallocated cluster ip", "10.180.0.2", "172.30.0.50", 80, "DROP", false)));
    }

    /**
     * The unserved-port flows of {@code TestClusterIPGeneral} per mode: the IPVS mode rejects them too
     * ({@code pkg/proxy/ipvs/proxier.go} {@code writeIptablesRules}: {@code KUBE-IPVS-FILTER} rejects a new
     * connection to an address on {@code kube-ipvs0} that no ClusterIP, external-IP or load-balancer set entry
     * matches); the iptables mode writes no rule, so they pass.
     */
    @Test
    void clusterIpGeneralUnservedPortsPerMode()
    {
        for (final ProxyMode mode : new ProxyMode[] {ProxyMode.IPTABLES, ProxyMode.IPVS})
        {
            final String verdict = mode == ProxyMode.IPTABLES ? "PASS" : "REJECT";
            clusterIpGeneralServices(new KubeProxyFlows()).proxyMode(mode).check("TestClusterIPGeneral, " + mode,
                List.of(
                    flow("TCP-only port does not match UDP traffic", PacketTuple.PROTO_UDP, "10.180.0.2",
                        "172.30.0.42", 80, verdict, false),
                    flow("svc1 does not accept svc2's ports", "10.180.0.2", "172.30.0.41", 443, verdict, false),
                    flow("simple clusterIP", "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", false)));
        }
    }

    private static KubeProxyFlows clusterIpGeneralServices(final KubeProxyFlows flows)
    {
        flows.network(NodeNetwork.defaults().withClusterCidrs(List.of(POD_CIDR)).withServiceCidrs(List.of(SERVICE_CIDR)))
            .service(ServiceSpec.clusterIp("ns1", "svc1", "172.30.0.41", new ServicePortSpec("http", 80, Protocol.TCP, 0)))
            .service(ServiceSpec.builder("ns2", "svc2").clusterIps("172.30.0.42").ports(
                new ServicePortSpec("http", 80, Protocol.TCP, 0), new ServicePortSpec("https", 443, Protocol.TCP, 0),
                new ServicePortSpec("dns-udp", 53, Protocol.UDP, 0), new ServicePortSpec("dns-tcp", 53, Protocol.TCP, 0),
                new ServicePortSpec("dns-sctp", 53, Protocol.SCTP, 0)).build());
        flows.controlPlane.upsertSlice(new EndpointSliceSpec("ns1", "svc1-1", "svc1", false,
            List.of(new EndpointPortSpec("http", 80, Protocol.TCP)), List.of(ready("10.180.0.1", NODE))));
        flows.controlPlane.upsertSlice(new EndpointSliceSpec("ns2", "svc2-1", "svc2", false, List.of(
            new EndpointPortSpec("http", 80, Protocol.TCP), new EndpointPortSpec("https", 8443, Protocol.TCP),
            new EndpointPortSpec("dns-udp", 53, Protocol.UDP), new EndpointPortSpec("dns-tcp", 5353, Protocol.TCP),
            new EndpointPortSpec("dns-sctp", 53, Protocol.SCTP)),
            List.of(ready("10.180.0.1", NODE), ready("10.180.2.1", "node2"))));
        return flows;
    }

    /**
     * The modes differ (docs/KUBE-PROXY-PARITY.md, proxy-mode table): only nftables drops an unallocated address
     * of a Service CIDR ({@code cluster-ips-check}); iptables short-circuits pods and the node as nftables does;
     * an IPVS virtual service knows no source, so pods and the node get the local endpoint, unmasqueraded
     * ({@code pkg/proxy/ipvs/proxier.go} {@code writeIptablesRules}: the {@code -LOCAL} sets return before the mark).
     */
    @Test
    void proxyModesDifferOnServiceCidrsAndSourceClasses()
    {
        for (final ProxyMode mode : new ProxyMode[] {ProxyMode.IPTABLES, ProxyMode.IPVS})
        {
            policyService(true).proxyMode(mode).check(mode + " mode", List.of(
                flow("packet to unallocated cluster ip", POD, "172.30.0.50", 80, "PASS", false),
                flow("external to LB IP hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, "1.2.3.4", 80,
                    LOCAL, false),
                flow("pod to LB IP", POD, "1.2.3.4", 80, mode == ProxyMode.IPVS ? LOCAL : BOTH, false),
                flow("node to LB IP", NODE_IP, "1.2.3.4", 80, mode == ProxyMode.IPVS ? LOCAL : BOTH,
                    mode != ProxyMode.IPVS)));
        }
    }

    /** Without Service CIDRs (iptables has no such rule) an unallocated address is not ours: PASS. */
    @Test
    void unallocatedAddressPassesWithoutServiceCidrs()
    {
        new KubeProxyFlows()
            .service(ServiceSpec.clusterIp("ns1", "svc1", "172.30.0.41", new ServicePortSpec("p80", 80, Protocol.TCP, 0)))
            .slice("ns1", "svc1", ready("10.180.0.1", NODE))
            .check("no Service CIDR", List.of(
                flow("packet to unallocated cluster ip", "10.180.0.2", "172.30.0.50", 80, "PASS", false)));
    }
}
