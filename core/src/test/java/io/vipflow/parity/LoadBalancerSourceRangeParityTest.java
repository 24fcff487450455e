package io.vipflow.parity;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code loadBalancerSourceRanges} as kube-proxy applies them, case by case after
 * {@code pkg/proxy/nftables/proxier_test.go} {@code TestLoadBalancer} (same addresses: node 192.168.0.2, ranges
 * 192.168.0.0/24 and 203.0.113.0/25, load-balancer IPs 1.2.3.4 and 5.6.7.8, pod 10.0.0.2, allowed client
 * 203.0.113.2, blocked client 203.0.113.130), and the rules of {@code syncProxyRules} ({@code allowFromNode}) and
 * {@code service.go} {@code newBaseServiceInfo} (ranges filtered by family).
 */
class LoadBalancerSourceRangeParityTest
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final String LB1 = "1.2.3.4";
    private static final String LB2 = "5.6.7.8";
    private static final String NODE_IP = "192.168.0.2";
    private static final String SECONDARY_NODE_IP = "192.168.1.2";
    private static final String ALLOWED = "203.0.113.2";
    private static final String BLOCKED = "203.0.113.130";
    private static final String POD = "10.0.0.2";
    private static final int NODE_PORT = 3001;

    private ControlPlane cp = new ControlPlane("node1", List.of(NODE_IP, SECONDARY_NODE_IP), "rr", 1);
    private Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1024)
        .withAffinityCapacity(16));
    private final Decision d = new Decision();
    private int sourcePort = 40000;

    @AfterEach
    void close()
    {
        classifier.close();
    }

    private void service(final String... ranges)
    {
        cp.upsertService(ServiceSpec.builder("ns1", "svc1").type(ServiceType.LOAD_BALANCER).clusterIps("172.30.0.41")
            .loadBalancerIps(List.of(LB1, LB2)).loadBalancerSourceRanges(List.of(ranges))
            .ports(new ServicePortSpec("p80", 80, Protocol.TCP, NODE_PORT)).build());
        cp.upsertSlice(new EndpointSliceSpec("ns1", "svc1-abc", "svc1", false,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)),
            List.of(EndpointSpec.ready("10.180.0.1", "node2"))));
        cp.publish();
    }

    private Decision syn(final String src, final String dst, final int port)
    {
        return send(src, sourcePort++, dst, port, SYN);
    }

    private Decision send(final String src, final int srcPort, final String dst, final int port, final int flags)
    {
        final long[] s = Addresses.parse(src);
        final long[] t = Addresses.parse(dst);
        classifier.classify(new PacketTuple().set(PacketTuple.PROTO_TCP, s[2] == 6, s[0], s[1], srcPort, t[0], t[1],
            port, flags), 0, d);
        return d;
    }

    private void assertDnat(final Decision decision, final String what)
    {
        assertEquals(Verdict.DNAT, decision.verdict(), what + ": " + decision);
        assertEquals("10.180.0.1:80", decision.backend().name, what);
    }

    private void assertDropped(final Decision decision, final String what)
    {
        assertEquals(Verdict.DROP, decision.verdict(), what + ": " + decision);
        assertEquals(Reason.SOURCE_RANGE, decision.reason(), what);
    }

    /** "accepted external to LB1", "accepted external to LB2". */
    @Test
    void sourceInRangeIsAdmittedOnEveryLbIp()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDnat(syn(ALLOWED, LB1, 80), "accepted external to LB1");
        assertDnat(syn(ALLOWED, LB2, 80), "accepted external to LB2");
    }

    /** "blocked external to LB1", "blocked external to LB2". */
    @Test
    void sourceOutsideRangesIsDropped()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDropped(syn(BLOCKED, LB1, 80), "blocked external to LB1");
        assertDropped(syn(BLOCKED, LB2, 80), "blocked external to LB2");
    }

    /** "pod to LB1 (blocked by LoadBalancerSourceRanges)", "pod to LB2 (...)". */
    @Test
    void podOutsideRangesIsDropped()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDropped(syn(POD, LB1, 80), "pod to LB1");
        assertDropped(syn(POD, LB2, 80), "pod to LB2");
    }

    /** "node to LB1 (allowed by LoadBalancerSourceRanges)", "node to LB2 (...)". */
    @Test
    void nodeAddressInRangeIsAdmitted()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDnat(syn(NODE_IP, LB1, 80), "node to LB1");
        assertDnat(syn(NODE_IP, LB2, 80), "node to LB2");
    }

    /**
     * "same node to LB1, SNATted to LB1 (implicitly allowed)" and the same for LB2: a range holds the node's
     * primary address, so every load-balancer IP of the Service is an admitted source ({@code allowFromNode}, the
     * loop over {@code LoadBalancerVIPs()}), not only the one hit.
     */
    @Test
    void lbIpAsSourceIsAdmittedWhenNodeIsInARange()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDnat(syn(LB1, LB1, 80), "same node to LB1, SNATted to LB1");
        assertDnat(syn(LB2, LB2, 80), "same node to LB2, SNATted to LB2");
        assertDnat(syn(LB1, LB2, 80), "every LB IP of the Service is admitted");
    }

    /**
     * Without a range holding the primary node address no VIP source is admitted; a range holding only a secondary
     * node address does not count ({@code proxier.nodeIP} is the single primary address).
     */
    @Test
    void lbIpAsSourceIsDroppedWhenNodeIsInNoRange()
    {
        service("203.0.113.0/25");
        assertDropped(syn(LB1, LB1, 80), "node outside every range");
        service("192.168.1.0/24", "203.0.113.0/25");
        assertDropped(syn(LB1, LB1, 80), "only the secondary node address is in a range");
        assertDnat(syn(SECONDARY_NODE_IP, LB1, 80), "the secondary address itself is a source in range");
    }

    /**
     * IPVS mode ({@code pkg/proxy/ipvs/proxier.go} {@code syncProxyRules}): {@code KUBE-LOAD-BALANCER-SOURCE-IP}
     * pairs each ingress IP with itself, so only the VIP hit is admitted as its own source.
     */
    @Test
    void ipvsModeAdmitsOnlyTheVipHitAsSource()
    {
        cp.proxyMode(ProxyMode.IPVS);
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDnat(syn(LB1, LB1, 80), "same VIP");
        assertDropped(syn(LB1, LB2, 80), "another VIP of the Service");
    }

    /** "nodePort bypasses LoadBalancerSourceRanges"; external and cluster IPs are never filtered either. */
    @Test
    void nodePortIgnoresSourceRanges()
    {
        service("192.168.0.0/24", "203.0.113.0/25");
        assertDnat(syn(BLOCKED, NODE_IP, NODE_PORT), "nodePort bypasses LoadBalancerSourceRanges");
        assertDnat(syn(BLOCKED, "172.30.0.41", 80), "ClusterIP unfiltered");
    }

    /**
     * {@code newBaseServiceInfo} keeps the ranges of the proxier's family; with none of this family
     * {@code usesFWChain} is false and every source is admitted.
     */
    @Test
    void rangesOfOtherFamilyOnlyAdmitEverySource()
    {
        service("2001:db8::/32");
        assertDnat(syn(BLOCKED, LB1, 80), "IPv6 ranges only: IPv4 unfiltered");
    }

    /**
     * The firewall is checked for {@code ct state new} only (nftables {@code firewall-check}): an established flow
     * keeps going when its source leaves the ranges; its next new connection is dropped, and so is a mid-flow packet
     * without an entry (conntrack would take it as new).
     */
    @Test
    void establishedFlowSurvivesARangeChange()
    {
        service("203.0.113.0/25");
        assertDnat(send(ALLOWED, 1000, LB1, 80, SYN), "before the change");
        service("198.51.100.0/24");
        assertDnat(send(ALLOWED, 1000, LB1, 80, ACK), "established flow after the change");
        assertDropped(send(ALLOWED, 1001, LB1, 80, SYN), "a new connection after the change");
        assertDropped(send(ALLOWED, 1002, LB1, 80, ACK), "a mid-flow packet without an entry");
    }
}
