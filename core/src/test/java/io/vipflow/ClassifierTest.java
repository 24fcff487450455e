package io.vipflow;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.vipflow.TestCluster.SECOND;
import static io.vipflow.TestCluster.ep;
import static io.vipflow.TestCluster.ready;
import static io.vipflow.TestCluster.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every decision path of the classifier, each against the docs/SEMANTICS.md rule (§1-§5) it implements. */
class ClassifierTest
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int FIN = 0x11;
    private static final int RST = 0x04;
    private static final String VIP = "10.96.0.10";

    private TestCluster c = new TestCluster();

    @AfterEach
    void close()
    {
        c.classifier.close();
    }

    private void web(final ServiceSpec spec, final io.vipflow.service.EndpointSpec... endpoints)
    {
        c.controlPlane.upsertService(spec);
        c.controlPlane.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http", endpoints));
        c.controlPlane.publish();
    }

    private static ServiceSpec webSpec()
    {
        return ServiceSpec.clusterIp("default", "web", VIP, new ServicePortSpec("http", 80, Protocol.TCP, 0));
    }

    @Test
    void packetForNoFrontendPasses()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"));
        assertEquals(Verdict.PASS, c.tcp("10.1.1.1", 1000, "10.96.0.11", 80, SYN, 0).verdict());
        assertNull(c.d.servicePort());
    }

    /**
     * A ClusterIP hit on a port or protocol it does not serve: nftables and IPVS reject it (nftables
     * {@code cluster-ips-check}, IPVS {@code KUBE-IPVS-FILTER}), iptables has no rule, so it passes.
     */
    @Test
    void unservedPortOfAClusterIpIsRejectedExceptInIptablesMode()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"));
        for (final ProxyMode mode : ProxyMode.values())
        {
            c.controlPlane.proxyMode(mode);
            c.controlPlane.publish();
            final Verdict expected = mode == ProxyMode.IPTABLES ? Verdict.PASS : Verdict.REJECT;
            final Reason reason = mode == ProxyMode.IPTABLES ? Reason.NONE : Reason.UNSERVED_PORT;
            assertEquals(expected, c.tcp("10.1.1.1", 1000, VIP, 81, SYN, 0).verdict(), mode + ": another port");
            assertEquals(reason, c.d.reason(), mode + ": another port");
            assertEquals(expected, c.udp("10.1.1.1", 1000, VIP, 80, 0).verdict(), mode + ": protocol is part of it");
            assertNull(c.d.servicePort());
            assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1001, VIP, 80, SYN, 0).verdict(), mode + ": served port");
        }
    }

    @Test
    void firstPacketSchedulesAndLaterPacketsFollow()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-b"));
        final Decision d = c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        assertEquals(Verdict.DNAT, d.verdict());
        assertTrue(d.newFlow());
        assertEquals("default/web:http", d.servicePort().label);
        final String first = c.backend();
        for (int i = 1; i < 10; i++)
        {
            c.tcp("10.1.1.1", 1000, VIP, 80, ACK, i * SECOND);
            assertEquals(first, c.backend());
            assertFalse(c.d.newFlow());
        }
        c.tcp("10.1.1.1", 1001, VIP, 80, SYN, 10 * SECOND);
        assertNotEquals(first, c.backend(), "rr gives the next connection the other backend");
    }

    @Test
    void noEndpointsRejectsAndTheFirstEndpointClearsIt()
    {
        c.controlPlane.upsertService(webSpec());
        c.controlPlane.publish();
        assertEquals(Verdict.REJECT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0).verdict());
        assertEquals(Reason.NO_ENDPOINTS, c.d.reason());
        c.controlPlane.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http",
            ready("10.244.0.1", "node-b")));
        c.controlPlane.publish();
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, SECOND).verdict());
        assertEquals("10.244.0.1:8080", c.backend());
    }

    /**
     * IPVS {@code ip_vs_sh_schedule} (ip_vs_sh.c): a bucket held by a weight-0 destination gives none without
     * {@code sh-fallback}, and {@code ip_vs_leave} (ip_vs_core.c) then refuses the packet. Endpoints exist, so the
     * reason is {@code no-destination}, not {@code no-endpoints}; with the fallback every flow is placed.
     */
    @Test
    void shQuiescedBucketWithoutFallbackIsNoDestination()
    {
        web(webSpec().withScheduler("sh"), ready("10.244.0.1", "node-a"),
            ep("10.244.0.2", false, false, false, "node-a"));
        int refused = 0;
        for (int i = 0; i < 64; i++)
        {
            final Decision d = c.tcp("10.1." + i + ".1", 1000, VIP, 80, SYN, 0);
            if (d.verdict() == Verdict.REJECT)
            {
                assertEquals(Reason.NO_DESTINATION, d.reason());
                refused++;
            }
            else
            {
                assertEquals("10.244.0.1:8080", c.backend());
            }
        }
        assertTrue(refused > 0 && refused < 64, "sources hashed to the not-ready endpoint's bucket: " + refused);
        web(webSpec().withScheduler("sh", "sh-fallback"), ready("10.244.0.1", "node-a"),
            ep("10.244.0.2", false, false, false, "node-a"));
        for (int i = 0; i < 64; i++)
        {
            assertEquals(Verdict.DNAT, c.tcp("10.2." + i + ".1", 1000, VIP, 80, SYN, SECOND).verdict());
        }
    }

    /** IPVS {@code ip_vs_ovf_schedule}: a destination whose active connections exceed its weight is skipped. */
    @Test
    void ovfAllOverLimitIsNoDestination()
    {
        web(webSpec().withScheduler("ovf"), ready("10.244.0.1", "node-a"));
        for (int port = 1000; port < 1002; port++)
        {
            c.tcp("10.1.1.1", port, VIP, 80, SYN, 0);
            c.tcp("10.1.1.1", port, VIP, 80, ACK, 0);
            assertEquals(Verdict.DNAT, c.d.verdict(), "established on the only destination");
        }
        assertEquals(Verdict.REJECT, c.tcp("10.1.1.1", 1002, VIP, 80, SYN, 0).verdict());
        assertEquals(Reason.NO_DESTINATION, c.d.reason());
    }

    @Test
    void notReadyEndpointsOnlyMeanNoEndpoints()
    {
        web(webSpec(), ep("10.244.0.1", false, false, false, "node-a"));
        assertEquals(Verdict.REJECT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0).verdict());
    }

    @Test
    void servingTerminatingEndpointsAreTheFallbackWhenNoneIsReady()
    {
        web(webSpec(), ep("10.244.0.1", false, true, true, "node-a"), ep("10.244.0.2", false, false, true, "node-a"));
        for (int port = 1000; port < 1010; port++)
        {
            c.tcp("10.1.1.1", port, VIP, 80, SYN, 0);
            assertEquals("10.244.0.1:8080", c.backend(), "only the serving one may take the flow");
        }
        web(webSpec(), ep("10.244.0.1", false, true, true, "node-a"), ready("10.244.0.3", "node-b"));
        c.tcp("10.1.1.1", 2000, VIP, 80, SYN, SECOND);
        assertEquals("10.244.0.3:8080", c.backend(), "a ready endpoint takes precedence over the fallback");
    }

    @Test
    void internalLocalPolicyUsesOnlyThisNodesEndpoints()
    {
        web(webSpec().withTrafficPolicies(false, true), ready("10.244.0.1", "node-a"),
            ready("10.244.0.2", "node-b"));
        for (int port = 1000; port < 1010; port++)
        {
            c.tcp("10.1.1.1", port, VIP, 80, SYN, 0);
            assertEquals("10.244.0.1:8080", c.backend());
        }
        web(webSpec().withTrafficPolicies(false, true), ready("10.244.0.2", "node-b"));
        assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 2000, VIP, 80, SYN, 0).verdict());
        assertEquals(Reason.NO_LOCAL_ENDPOINTS, c.d.reason());
    }

    @Test
    void externalLocalPolicyAppliesToExternalFrontendsOnly()
    {
        final ServiceSpec spec = new ServiceSpec("default", "web", ServiceType.NODE_PORT, List.of(VIP),
            List.of("203.0.113.5"), List.of(), List.of(), List.of(new ServicePortSpec("http", 80, Protocol.TCP, 30080)),
            0, true, false, null);
        web(spec, ready("10.244.0.2", "node-b"));
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0).verdict(), "ClusterIP is internal");
        assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 1001, "192.168.0.10", 30080, SYN, 0).verdict());
        assertEquals(Reason.NO_LOCAL_ENDPOINTS, c.d.reason());
        assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 1002, "203.0.113.5", 80, SYN, 0).verdict());
        assertEquals(Verdict.PASS, c.tcp("10.1.1.1", 1003, "192.168.0.11", 30080, SYN, 0).verdict(),
            "node ports listen on this node's addresses only");
    }

    @Test
    void loadBalancerSourceRangesAdmitOnlyTheirSources()
    {
        final ServiceSpec spec = new ServiceSpec("default", "web", ServiceType.LOAD_BALANCER, List.of(VIP),
            List.of(), List.of("198.51.100.7"), List.of("10.1.0.0/16"),
            List.of(new ServicePortSpec("http", 80, Protocol.TCP, 30080)), 0, false, false, null);
        web(spec, ready("10.244.0.1", "node-a"));
        assertEquals(Verdict.DNAT, c.tcp("10.1.2.3", 1000, "198.51.100.7", 80, SYN, 0).verdict());
        assertEquals(Verdict.DROP, c.tcp("10.2.2.3", 1000, "198.51.100.7", 80, SYN, 0).verdict());
        assertEquals(Reason.SOURCE_RANGE, c.d.reason());
        assertEquals(Verdict.DNAT, c.tcp("10.2.2.3", 1000, VIP, 80, SYN, 0).verdict(),
            "ranges apply to load-balancer frontends only");
        assertEquals(Verdict.DNAT, c.tcp("10.2.2.3", 1001, "192.168.0.10", 30080, SYN, 0).verdict());
    }

    @Test
    void dualStackServiceUsesEachFamilysEndpoints()
    {
        final ServiceSpec spec = new ServiceSpec("default", "web", ServiceType.CLUSTER_IP,
            List.of(VIP, "fd00:96::10"), List.of(), List.of(), List.of(),
            List.of(new ServicePortSpec("http", 80, Protocol.TCP, 0)), 0, false, false, null);
        c.controlPlane.upsertService(spec);
        c.controlPlane.upsertSlice(slice("default", "web", "web-v4", 8080, Protocol.TCP, "http",
            ready("10.244.0.1", "node-a")));
        c.controlPlane.upsertSlice(slice("default", "web", "web-v6", 8080, Protocol.TCP, "http",
            ready("fd00:244::1", "node-a")));
        c.controlPlane.publish();
        c.tcp("fd00:1::1", 1000, "fd00:96::10", 80, SYN, 0);
        assertEquals("[fd00:244::1]:8080", c.backend());
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        assertEquals("10.244.0.1:8080", c.backend());
    }

    @Test
    void terminatingAndNotReadyEndpointsKeepTheirEstablishedFlows()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, SECOND);
        c.tcp("10.1.1.2", 1000, VIP, 80, SYN, 0);
        web(webSpec(), ep("10.244.0.1", false, true, true, "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 2 * SECOND);
        assertEquals("10.244.0.1:8080", c.backend(), "terminating: established flow stays");
        web(webSpec(), ep("10.244.0.1", false, false, false, "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 3 * SECOND);
        assertEquals("10.244.0.1:8080", c.backend(), "not ready: established flow stays");
        assertFalse(c.d.newFlow());
        c.tcp("10.1.1.3", 1000, VIP, 80, SYN, 3 * SECOND);
        assertEquals("10.244.0.2:8080", c.backend(), "no new flows to it");
    }

    @Test
    void removedBackendDropsTheFlowThenTheRetransmissionIsRescheduled()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final String first = c.backend();
        final String other = first.equals("10.244.0.1:8080") ? "10.244.0.2" : "10.244.0.1";
        web(webSpec(), ready(other, "node-a"));
        assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 1000, VIP, 80, ACK, SECOND).verdict());
        assertEquals(Reason.BACKEND_REMOVED, c.d.reason());
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 2 * SECOND);
        assertEquals(Verdict.DNAT, c.d.verdict());
        assertEquals(other + ":8080", c.backend(), "never the removed backend");
        assertTrue(c.d.newFlow());
    }

    @Test
    void removedBackendPolicyRescheduleMovesTheFlowAtOnce()
    {
        c.classifier.close();
        c = new TestCluster("rr", ClassifierConfig.defaults().withConnectionCapacity(256).withAffinityCapacity(16)
            .withRemovedBackendPolicy(RemovedBackendPolicy.RESCHEDULE));
        web(webSpec(), ready("10.244.0.1", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        web(webSpec(), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, SECOND);
        assertEquals(Verdict.DNAT, c.d.verdict());
        assertEquals("10.244.0.2:8080", c.backend());
        assertTrue(c.d.rescheduled());
    }

    @Test
    void udpFlowToRemovedBackendIsPurgedAndRescheduled()
    {
        final ServiceSpec dns = ServiceSpec.clusterIp("kube-system", "dns", "10.96.0.53",
            new ServicePortSpec("dns", 53, Protocol.UDP, 0));
        c.controlPlane.upsertService(dns);
        c.controlPlane.upsertSlice(slice("kube-system", "dns", "dns-1", 5353, Protocol.UDP, "dns",
            ready("10.244.0.1", "node-a")));
        c.controlPlane.publish();
        c.udp("10.1.1.1", 5000, "10.96.0.53", 53, 0);
        assertEquals("10.244.0.1:5353", c.backend());
        c.udp("10.1.1.1", 5000, "10.96.0.53", 53, SECOND);
        assertFalse(c.d.newFlow());
        c.controlPlane.upsertSlice(slice("kube-system", "dns", "dns-1", 5353, Protocol.UDP, "dns",
            ready("10.244.0.9", "node-a")));
        c.controlPlane.publish();
        c.udp("10.1.1.1", 5000, "10.96.0.53", 53, 2 * SECOND);
        assertEquals(Verdict.DNAT, c.d.verdict());
        assertEquals("10.244.0.9:5353", c.backend());
        assertTrue(c.d.newFlow());
        c.controlPlane.deleteService("kube-system", "dns");
        c.controlPlane.publish();
        assertEquals(Verdict.PASS, c.udp("10.1.1.1", 5000, "10.96.0.53", 53, 3 * SECOND).verdict(),
            "a deleted Service's frontends stop matching");
    }

    @Test
    void synOnClosedEntryIsANewConnection()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final String first = c.backend();
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, SECOND);
        c.tcp("10.1.1.1", 1000, VIP, 80, RST, 2 * SECOND);
        assertEquals(first, c.backend(), "the RST itself still goes to the backend");
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 3 * SECOND);
        assertTrue(c.d.newFlow(), "SYN on CLOSE reschedules (conn_reuse_mode)");
        assertTrue(c.d.rescheduled());
        assertNotEquals(first, c.backend());
    }

    @Test
    void synOnEntryWhoseBackendIsQuiescedIsRescheduled()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        web(webSpec(), ep("10.244.0.1", false, true, true, "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, SECOND);
        assertEquals("10.244.0.2:8080", c.backend());
        assertTrue(c.d.newFlow());
    }

    @Test
    void retransmittedSynKeepsItsBackend()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final String first = c.backend();
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, SECOND);
        assertEquals(first, c.backend());
        assertFalse(c.d.newFlow());
    }

    @Test
    void entriesExpireByState()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, SECOND);
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 800 * SECOND);
        assertFalse(c.d.newFlow(), "ESTABLISHED lives 900 s after the last packet");
        c.tcp("10.1.1.1", 1000, VIP, 80, FIN, 801 * SECOND);
        assertFalse(c.d.newFlow());
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 801 * SECOND + 59 * SECOND);
        assertFalse(c.d.newFlow(), "CLOSE_WAIT lives 60 s");
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 801 * SECOND + 59 * SECOND + 61 * SECOND);
        assertTrue(c.d.newFlow(), "expired: the mid-flow packet is scheduled again");
    }

    @Test
    void midFlowPolicies()
    {
        web(webSpec(), ready("10.244.0.1", "node-a"));
        assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 0).verdict(), "default SCHEDULE");
        for (final MidFlowPolicy policy : new MidFlowPolicy[] {MidFlowPolicy.PASS, MidFlowPolicy.DROP})
        {
            c.classifier.close();
            c = new TestCluster("rr", ClassifierConfig.defaults().withConnectionCapacity(256)
                .withAffinityCapacity(16).withMidFlowPolicy(policy));
            web(webSpec(), ready("10.244.0.1", "node-a"));
            final Verdict expected = policy == MidFlowPolicy.PASS ? Verdict.PASS : Verdict.DROP;
            final Decision d = c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 0);
            assertEquals(expected, d.verdict());
            assertEquals(Reason.NO_CONNECTION, d.reason());
            c.tcp("10.1.1.1", 1001, VIP, 80, SYN | RST, 0);
            assertEquals(expected, d.verdict(), "SYN with RST opens nothing");
            assertEquals(Verdict.DNAT, c.tcp("10.1.1.1", 1002, VIP, 80, SYN, 0).verdict());
        }
    }

    @Test
    void clientIpAffinityHoldsUntilTheTimeoutAfterTheLastNewConnection()
    {
        web(webSpec().withAffinity(100), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"),
            ready("10.244.0.3", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final String sticky = c.backend();
        for (int i = 1; i <= 5; i++)
        {
            c.tcp("10.1.1.1", 1000 + i, VIP, 80, SYN, i * 90 * SECOND);
            assertEquals(sticky, c.backend(), "each new connection restarts the 100 s timer");
        }
        final Set<String> others = new HashSet<>();
        for (int i = 0; i < 6; i++)
        {
            c.tcp("10.1.2." + i, 1000, VIP, 80, SYN, 451 * SECOND);
            others.add(c.backend());
        }
        assertEquals(3, others.size(), "other clients are scheduled normally");
        c.tcp("10.1.1.1", 2000, VIP, 80, SYN, 450 * SECOND + 100 * SECOND);
        assertTrue(c.d.newFlow());
        // 100 s after the last new connection the record has expired: a fresh pick, then remembered.
        final String after = c.backend();
        c.tcp("10.1.1.1", 2001, VIP, 80, SYN, 551 * SECOND);
        assertEquals(after, c.backend());
    }

    @Test
    void affinityIsDroppedWhenItsBackendCannotTakeNewFlows()
    {
        web(webSpec().withAffinity(1000), ready("10.244.0.1", "node-a"), ready("10.244.0.2", "node-a"));
        c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0);
        final String sticky = c.backend();
        final String other = sticky.equals("10.244.0.1:8080") ? "10.244.0.2" : "10.244.0.1";
        final String stickyIp = sticky.substring(0, sticky.indexOf(':'));
        web(webSpec().withAffinity(1000), ep(stickyIp, false, true, true, "node-a"), ready(other, "node-a"));
        c.tcp("10.1.1.1", 1001, VIP, 80, SYN, SECOND);
        assertEquals(other + ":8080", c.backend());
        c.tcp("10.1.1.1", 1000, VIP, 80, ACK, 2 * SECOND);
        assertEquals(sticky, c.backend(), "the old flow itself stays on the terminating backend");
    }

    @Test
    void unnamedPortsMatchUnnamedSlicePortsAndLabelWithTheNumber()
    {
        c.controlPlane.upsertService(ServiceSpec.clusterIp("default", "raw", "10.96.0.20",
            new ServicePortSpec("", 9000, Protocol.TCP, 0)));
        c.controlPlane.upsertSlice(slice("default", "raw", "raw-1", 9999, Protocol.TCP, "",
            ready("10.244.0.5", "node-a")));
        c.controlPlane.publish();
        c.tcp("10.1.1.1", 1000, "10.96.0.20", 9000, SYN, 0);
        assertEquals("10.244.0.5:9999", c.backend());
        assertEquals("default/raw:9000", c.d.servicePort().label);
    }

    @Test
    void slicePortWithAnotherNameGivesNoEndpoints()
    {
        c.controlPlane.upsertService(webSpec());
        c.controlPlane.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "metrics",
            ready("10.244.0.1", "node-a")));
        c.controlPlane.publish();
        assertEquals(Verdict.REJECT, c.tcp("10.1.1.1", 1000, VIP, 80, SYN, 0).verdict());
    }

    @Test
    void maglevSendsAFlowToTheSameBackendFromAnyClassifier()
    {
        final TestCluster a = new TestCluster("maglev", ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(16).withTimeouts(ConnTimeouts.ipvsDefaults()));
        final TestCluster b = new TestCluster("maglev", ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(16));
        try
        {
            for (final TestCluster x : List.of(a, b))
            {
                x.controlPlane.upsertService(webSpec());
                x.controlPlane.upsertSlice(slice("default", "web", "web-1", 8080, Protocol.TCP, "http",
                    ready("10.244.0.1", "n"), ready("10.244.0.2", "n"), ready("10.244.0.3", "n")));
                x.controlPlane.publish();
            }
            final Set<String> used = new HashSet<>();
            for (int port = 1000; port < 1100; port++)
            {
                a.tcp("10.1.1.1", port, VIP, 80, SYN, 0);
                b.tcp("10.1.1.1", port, VIP, 80, ACK, 0); // mid-flow on the other instance: hashed the same
                assertEquals(a.backend(), b.backend());
                used.add(a.backend());
            }
            assertEquals(3, used.size());
        }
        finally
        {
            a.classifier.close();
            b.classifier.close();
        }
    }

    @Test
    void fullTableDropsNewFlowsAndKeepsEstablishedOnes()
    {
        c.classifier.close();
        c = new TestCluster("rr", ClassifierConfig.defaults().withConnectionCapacity(1).withAffinityCapacity(1));
        web(webSpec(), ready("10.244.0.1", "node-a"));
        for (int i = 0; i < 8; i++)
        {
            c.tcp("10.1.1.1", 1000 + i, VIP, 80, SYN, 0);
            c.tcp("10.1.1.1", 1000 + i, VIP, 80, ACK, 0);
        }
        assertEquals(Verdict.DROP, c.tcp("10.1.1.1", 2000, VIP, 80, SYN, 0).verdict());
        assertEquals(Reason.TABLE_FULL, c.d.reason());
        c.tcp("10.1.1.1", 1003, VIP, 80, ACK, SECOND);
        assertFalse(c.d.newFlow());
    }
}
