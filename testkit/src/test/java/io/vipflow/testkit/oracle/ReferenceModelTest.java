package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.vipflow.testkit.oracle.OracleFixtures.ACK;
import static io.vipflow.testkit.oracle.OracleFixtures.FIN;
import static io.vipflow.testkit.oracle.OracleFixtures.PSH;
import static io.vipflow.testkit.oracle.OracleFixtures.RST;
import static io.vipflow.testkit.oracle.OracleFixtures.SECOND;
import static io.vipflow.testkit.oracle.OracleFixtures.SYN;
import static io.vipflow.testkit.oracle.OracleFixtures.endpoint;
import static io.vipflow.testkit.oracle.OracleFixtures.ready;
import static io.vipflow.testkit.oracle.OracleFixtures.sctp;
import static io.vipflow.testkit.oracle.OracleFixtures.service;
import static io.vipflow.testkit.oracle.OracleFixtures.tcp;
import static io.vipflow.testkit.oracle.OracleFixtures.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-written scenarios for every decision path of the reference model, on the model alone. The reply paths are
 * in {@link ReferenceModelReplyTest}, which shares the fixtures here.
 */
class ReferenceModelTest
{
    static final String NODE = "node-a";
    static final String VIP = "10.96.0.1";
    static final String CLIENT = "10.1.0.5";
    static final String A = "10.244.0.1:8080";
    static final String B = "10.244.0.2:8080";
    static final ServicePortSpec HTTP = new ServicePortSpec("http", 80, Protocol.TCP, 30080);
    private static final ServicePortSpec DNS = new ServicePortSpec("", 53, Protocol.UDP, 0);
    private static final ServicePortSpec ASSOC = new ServicePortSpec("assoc", 9, Protocol.SCTP, 0);
    static final List<EndpointPortSpec> PORTS = List.of(new EndpointPortSpec("http", 8080, Protocol.TCP),
        new EndpointPortSpec("", 5353, Protocol.UDP), new EndpointPortSpec("assoc", 9999, Protocol.SCTP));
    static final String HTTP_LABEL = "default/web:http";

    private static ReferenceModel model(final MidFlowPolicy mid, final RemovedBackendPolicy removed)
    {
        return new ReferenceModel(NODE, List.of("192.168.0.10", "fd00::10"),
            ClassifierConfig.defaults().withMidFlowPolicy(mid).withRemovedBackendPolicy(removed));
    }

    static ReferenceModel model()
    {
        return model(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
    }

    static ServiceSpec web(final ServiceType type)
    {
        return service("default", "web", type, List.of(VIP), List.of(), List.of(), List.of(), HTTP, DNS, ASSOC);
    }

    static EndpointSliceSpec webSlice(final EndpointSpec... endpoints)
    {
        return OracleFixtures.slice("default", "web-1", "web", false, PORTS, endpoints);
    }

    /** A ClusterIP Service "web" with two ready endpoints, A on this node and B elsewhere. */
    static ReferenceModel webModel(final MidFlowPolicy mid, final RemovedBackendPolicy removed)
    {
        final ReferenceModel m = model(mid, removed);
        m.upsertService(web(ServiceType.NODE_PORT));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), ready("10.244.0.2", "node-b")));
        return m;
    }

    /** expect + commit, choosing {@code choice} (or the first allowed backend when null). */
    static Expectation send(final ReferenceModel m, final PacketTuple t, final long now, final String choice)
    {
        final Expectation e = m.expect(t, now);
        final String chosen = choice != null ? choice :
            e.allowedBackends().isEmpty() ? null : new TreeSet<>(e.allowedBackends()).first();
        m.commit(e, chosen);
        return e;
    }

    static Expectation send(final ReferenceModel m, final PacketTuple t, final long now)
    {
        return send(m, t, now, null);
    }

    private static void assertVerdict(final Expectation e, final Verdict verdict, final Reason reason,
        final String label)
    {
        assertEquals(verdict, e.verdict(), e.toString());
        assertEquals(reason, e.reason(), e.toString());
        assertEquals(label, e.servicePortLabel(), e.toString());
    }

    static void assertDnat(final Expectation e, final boolean newFlow, final String... allowed)
    {
        assertVerdict(e, Verdict.DNAT, Reason.NONE, e.servicePortLabel());
        assertEquals(newFlow, e.newFlow(), e.toString());
        assertEquals(Set.of(allowed), e.allowedBackends(), e.toString());
    }

    @Test
    void noFrontendPasses()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        assertVerdict(send(m, tcp(CLIENT, 1, "10.96.0.99", 80, SYN), 0), Verdict.PASS, Reason.NONE, null);
    }

    /** nftables cluster-ips-check and IPVS KUBE-IPVS-FILTER reject an unserved port of a ClusterIP; iptables passes. */
    @Test
    void unservedPortOfAClusterIpIsRejectedExceptInIptablesMode()
    {
        for (final ProxyMode mode : ProxyMode.values())
        {
            final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
            m.proxyMode(mode);
            final Verdict verdict = mode == ProxyMode.IPTABLES ? Verdict.PASS : Verdict.REJECT;
            final Reason reason = mode == ProxyMode.IPTABLES ? Reason.NONE : Reason.UNSERVED_PORT;
            assertVerdict(send(m, tcp(CLIENT, 1, VIP, 81, SYN), 0), verdict, reason, null);
            assertVerdict(send(m, udp(CLIENT, 1, VIP, 80), 0), verdict, reason, null);
            assertVerdict(send(m, tcp(CLIENT, 1, VIP, 53, SYN), 0), verdict, reason, null);
        }
    }

    @Test
    void newFlowMayTakeAnyReadyBackendThenStaysOnIt()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        final Expectation syn = send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        assertVerdict(syn, Verdict.DNAT, Reason.NONE, HTTP_LABEL);
        assertDnat(syn, true, A, B);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), false, B);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, PSH | ACK), 2 * SECOND), false, B);
        assertEquals("default/web:53", send(m, udp(CLIENT, 7, VIP, 53), 0).servicePortLabel());
    }

    /**
     * What a table smaller than its traffic may decide (ConnTable#getOrCreate's eviction order: never an
     * ESTABLISHED TCP entry): a flow whose entry is still embryonic, or became ESTABLISHED only on its latest packet
     * (the eviction raced that packet's update), may be scheduled again as new; an older ESTABLISHED flow may not; a
     * new flow may be refused as table-full, and then nothing is recorded for it.
     */
    @Test
    void afterEvictionOnlyWhatTheTableMayEvictIsForgotten()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        assertDnat(m.expectAfterEviction(tcp(CLIENT, 1, VIP, 80, ACK), SECOND), true, A, B);
        // The ACK found its entry and established the flow on B; the entry may have been lost while it was
        // classified, so the next packet may still find none.
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), false, B);
        assertDnat(m.expectAfterEviction(tcp(CLIENT, 1, VIP, 80, PSH | ACK), 2 * SECOND), true, A, B);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, PSH | ACK), 2 * SECOND), false, B);
        // That packet found it ESTABLISHED: from now on it can never be evicted.
        final Expectation established = m.expectAfterEviction(tcp(CLIENT, 1, VIP, 80, ACK), 3 * SECOND);
        assertDnat(established, false, B);
        assertTrue(established.alternatives().isEmpty(), established.toString());
        m.commit(established, B);

        final Expectation full = m.expectAfterEviction(tcp(CLIENT, 2, VIP, 80, SYN), 4 * SECOND);
        assertDnat(full, true, A, B);
        assertEquals(List.of(Verdict.DROP), full.alternatives().stream().map(Expectation::verdict).toList());
        assertEquals(Reason.TABLE_FULL, full.alternatives().get(0).reason());
        m.commitTableFull(full);
        // Refused, so the next packet of that flow finds no entry: a mid-flow packet is scheduled as new.
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, ACK), 5 * SECOND), true, A, B);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), 6 * SECOND), false, B);
    }

    @Test
    void nodePortsOnlyForNodePortAndLoadBalancerTypes()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        assertDnat(send(m, tcp(CLIENT, 1, "192.168.0.10", 30080, SYN), 0), true, A, B);
        m.upsertService(web(ServiceType.CLUSTER_IP));
        assertVerdict(send(m, tcp(CLIENT, 2, "192.168.0.10", 30080, SYN), 0), Verdict.PASS, Reason.NONE, null);
        m.upsertService(web(ServiceType.EXTERNAL_NAME));
        assertVerdict(send(m, tcp(CLIENT, 3, VIP, 80, SYN), 0), Verdict.PASS, Reason.NONE, null);
        m.upsertService(service("default", "web", ServiceType.CLUSTER_IP, List.of(), List.of("203.0.113.1"),
            List.of(), List.of(), HTTP));
        assertVerdict(send(m, tcp(CLIENT, 4, VIP, 80, SYN), 0), Verdict.PASS, Reason.NONE, null);
        assertDnat(send(m, tcp(CLIENT, 5, "203.0.113.1", 80, SYN), 0), true, A, B);
    }

    @Test
    void loadBalancerSourceRangesDropOutsiders()
    {
        final ReferenceModel m = model();
        m.upsertService(service("default", "web", ServiceType.LOAD_BALANCER, List.of(VIP), List.of("203.0.113.1"),
            List.of("198.51.100.1", "2001:db8:b::1"), List.of("10.1.0.0/16"), HTTP));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        m.upsertSlice(OracleFixtures.slice("default", "web-6", "web", true, PORTS, ready("fd00:244::1", NODE)));
        assertDnat(send(m, tcp("10.1.2.3", 1, "198.51.100.1", 80, SYN), 0), true, A);
        assertVerdict(send(m, tcp("172.16.0.7", 1, "198.51.100.1", 80, SYN), 0), Verdict.DROP, Reason.SOURCE_RANGE,
            HTTP_LABEL);
        // Ranges set but none of IPv6: kube-proxy writes no IPv6 firewall (newBaseServiceInfo keeps the ranges of
        // the proxier's family), so every IPv6 source is admitted.
        assertDnat(send(m, tcp("fd01::5", 1, "2001:db8:b::1", 80, SYN), 0), true, "[fd00:244::1]:8080");
        // Only load-balancer frontends are filtered.
        assertDnat(send(m, tcp("172.16.0.7", 2, VIP, 80, SYN), 0), true, A);
        assertDnat(send(m, tcp("172.16.0.7", 3, "203.0.113.1", 80, SYN), 0), true, A);
        assertDnat(send(m, tcp("172.16.0.7", 4, "192.168.0.10", 30080, SYN), 0), true, A);
        assertDnat(send(m, tcp("fd02::7", 1, "fd00::10", 30080, SYN), 0), true, "[fd00:244::1]:8080");
    }

    @Test
    void firstServiceByKeyWinsAContestedFrontend()
    {
        final ReferenceModel m = model();
        m.upsertService(service("b", "web", ServiceType.CLUSTER_IP, List.of(VIP), List.of(), List.of(), List.of(),
            HTTP));
        m.upsertService(service("a", "web", ServiceType.CLUSTER_IP, List.of(VIP), List.of(), List.of(), List.of(),
            HTTP));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), Verdict.REJECT, Reason.NO_ENDPOINTS, "a/web:http");
        m.deleteService("a", "web");
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), Verdict.REJECT, Reason.NO_ENDPOINTS, "b/web:http");
    }

    @Test
    void noUsableEndpointRejects()
    {
        final ReferenceModel m = model();
        m.upsertService(web(ServiceType.CLUSTER_IP));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), Verdict.REJECT, Reason.NO_ENDPOINTS, HTTP_LABEL);
        m.upsertSlice(webSlice(endpoint("10.244.0.1", false, true, false, NODE),
            endpoint("10.244.0.2", false, false, true, NODE)));
        assertVerdict(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0), Verdict.REJECT, Reason.NO_ENDPOINTS, HTTP_LABEL);
        // A slice of the other family, or without a port of the Service port's name and protocol, lists nothing.
        m.upsertSlice(OracleFixtures.slice("default", "web-1", "web", true, PORTS, ready("fd00:244::1", NODE)));
        m.upsertSlice(OracleFixtures.slice("default", "web-2", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.UDP), new EndpointPortSpec("web", 8080,
                Protocol.TCP)), ready("10.244.0.3", NODE)));
        assertVerdict(send(m, tcp(CLIENT, 3, VIP, 80, SYN), 0), Verdict.REJECT, Reason.NO_ENDPOINTS, HTTP_LABEL);
    }

    /**
     * A scheduler that may find no destination although endpoints may take the flow (IPVS {@code sh} without
     * {@code sh-fallback} when a listed endpoint is quiesced, {@code ip_vs_sh_schedule}): the model accepts the
     * classifier's REJECT {@code no-destination} beside a DNAT, and a refusal records no flow.
     */
    @Test
    void refusingSchedulerMayRejectWithNoDestination()
    {
        final ReferenceModel m = model().defaultScheduler("sh", null);
        m.upsertService(web(ServiceType.CLUSTER_IP));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), endpoint("10.244.0.2", false, false, false, NODE)));
        final Expectation e = m.expect(tcp(CLIENT, 1, VIP, 80, SYN), 0);
        assertDnat(e, true, A);
        assertEquals(List.of(Expectation.of(Verdict.REJECT, Reason.NO_DESTINATION, HTTP_LABEL)), e.alternatives());
        m.commit(e, (String)null);
        assertEquals(0, m.liveConnections(0), "a refused flow has no entry");
        assertEquals(1L, m.pathCounts().get("reject-no-destination"));
        // A table that may evict may also refuse as full; the scheduler may still find no destination.
        final Expectation evicting = m.expectAfterEviction(tcp(CLIENT, 6, VIP, 80, SYN), 0);
        assertEquals(List.of(Reason.TABLE_FULL, Reason.NO_DESTINATION),
            evicting.alternatives().stream().map(Expectation::reason).toList());
        m.commit(evicting, (String)null);
        // With the fallback, with every listed endpoint usable, or under a scheduler that always places: no refusal.
        assertTrue(m.defaultScheduler("sh", "sh-fallback,sh-port").expect(tcp(CLIENT, 2, VIP, 80, SYN), 0)
            .alternatives().isEmpty());
        assertTrue(m.defaultScheduler("rr", null).expect(tcp(CLIENT, 3, VIP, 80, SYN), 0).alternatives().isEmpty());
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        assertTrue(m.defaultScheduler("dh", null).expect(tcp(CLIENT, 4, VIP, 80, SYN), 0).alternatives().isEmpty());
        assertEquals(1, m.defaultScheduler("ovf", null).expect(tcp(CLIENT, 5, VIP, 80, SYN), 0).alternatives().size());
    }

    /**
     * IPVS mode (ipvs/proxier.go {@code syncEndpoint}): a Local policy without local endpoints uses the cluster
     * endpoints; the default (nftables) profile drops with {@code no-local-endpoints}.
     */
    @Test
    void ipvsModeLocalPolicyFallsBackToClusterEndpoints()
    {
        final ReferenceModel m = model();
        m.upsertService(OracleFixtures.service("default", "web", ServiceType.CLUSTER_IP, List.of(VIP), List.of(),
            List.of(), List.of(), HTTP).withTrafficPolicies(false, true));
        m.upsertSlice(webSlice(ready("10.244.0.2", "node-b")));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS, HTTP_LABEL);
        m.proxyMode(io.vipflow.service.ProxyMode.IPVS);
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0), true, B);
    }

    @Test
    void servingTerminatingEndpointsAreTheFallbackWhenNoneIsReady()
    {
        final ReferenceModel m = model();
        m.upsertService(web(ServiceType.CLUSTER_IP));
        m.upsertSlice(webSlice(endpoint("10.244.0.1", false, true, true, NODE),
            endpoint("10.244.0.2", false, false, true, NODE), endpoint("10.244.0.3", false, true, false, NODE)));
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), true, A);
        m.upsertSlice(webSlice(endpoint("10.244.0.1", false, true, true, NODE), ready("10.244.0.2", "")));
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0), true, B);
        final BackendSelection s = m.selection("default", "web", HTTP, false);
        assertEquals(Set.of(A, B), s.listed().keySet());
        assertEquals(Set.of(B), s.cluster());
        assertEquals(Set.of(A), s.local());
    }

    @Test
    void localTrafficPolicyUsesThisNodesEndpoints()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        m.upsertService(web(ServiceType.NODE_PORT).withTrafficPolicies(true, false));
        assertDnat(send(m, tcp(CLIENT, 1, "192.168.0.10", 30080, SYN), 0), true, A);
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0), true, A, B);
        m.upsertSlice(webSlice(endpoint("10.244.0.1", false, false, false, NODE), ready("10.244.0.2", "node-b")));
        assertVerdict(send(m, tcp(CLIENT, 3, "192.168.0.10", 30080, SYN), 0), Verdict.DROP,
            Reason.NO_LOCAL_ENDPOINTS, HTTP_LABEL);
        assertDnat(send(m, tcp(CLIENT, 4, VIP, 80, SYN), 0), true, B);
        m.upsertService(web(ServiceType.NODE_PORT).withTrafficPolicies(false, true));
        assertVerdict(send(m, tcp(CLIENT, 5, VIP, 80, SYN), 0), Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS,
            HTTP_LABEL);
        assertDnat(send(m, tcp(CLIENT, 6, "192.168.0.10", 30080, SYN), 0), true, B);
        // An endpoint without a node name is never local.
        m.upsertSlice(webSlice(ready("10.244.0.1", "")));
        assertVerdict(send(m, tcp(CLIENT, 7, VIP, 80, SYN), 0), Verdict.DROP, Reason.NO_LOCAL_ENDPOINTS,
            HTTP_LABEL);
    }

    @Test
    void midFlowPacketWithoutEntryFollowsThePolicy()
    {
        final ReferenceModel schedule = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        assertDnat(send(schedule, tcp(CLIENT, 1, VIP, 80, ACK), 0, A), true, A, B);
        // The entry was created in ESTABLISHED, so a later SYN is just another packet of the flow.
        assertDnat(send(schedule, tcp(CLIENT, 1, VIP, 80, SYN), SECOND), false, A);
        final ReferenceModel pass = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        assertVerdict(send(pass, tcp(CLIENT, 1, VIP, 80, ACK), 0), Verdict.PASS, Reason.NO_CONNECTION, HTTP_LABEL);
        assertVerdict(send(pass, tcp(CLIENT, 1, VIP, 80, SYN | RST), 0), Verdict.PASS, Reason.NO_CONNECTION,
            HTTP_LABEL);
        assertVerdict(send(pass, sctp(CLIENT, 1, VIP, 9, 0), 0), Verdict.PASS, Reason.NO_CONNECTION,
            "default/web:assoc");
        final ReferenceModel drop = webModel(MidFlowPolicy.DROP, RemovedBackendPolicy.DROP);
        assertVerdict(send(drop, tcp(CLIENT, 1, VIP, 80, FIN), 0), Verdict.DROP, Reason.NO_CONNECTION, HTTP_LABEL);
    }

    @Test
    void removedBackendDropsTcpMidFlowUnderDropPolicy()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), Verdict.DROP, Reason.BACKEND_REMOVED,
            HTTP_LABEL);
        // The entry is gone: the retransmission meets the mid-flow policy.
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), 2 * SECOND), Verdict.PASS, Reason.NO_CONNECTION,
            HTTP_LABEL);
    }

    /**
     * KEEP (nftables/iptables conntrack keeps translating, pkg/proxy/conntrack/cleanup.go CleanStaleEntries flushes
     * UDP only): the TCP flow goes on to the removed backend; a SYN and UDP are scheduled afresh.
     */
    @Test
    void removedBackendKeepsItsTcpFlowUnderKeep()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.KEEP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0, B);
        send(m, udp(CLIENT, 1, VIP, 53), 0, "10.244.0.2:5353");
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), false, B);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), 2 * SECOND), false, B);
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), SECOND), true, A);
        assertDnat(send(m, udp(CLIENT, 1, VIP, 53), SECOND), true, "10.244.0.1:5353");
    }

    /** DRAIN (IPVS graceful deletion, IsRsGracefulTerminationNeeded): TCP goes on, SCTP is dropped. */
    @Test
    void removedBackendDrainsTcpOnlyUnderDrain()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DRAIN);
        m.upsertService(service("default", "signal", ServiceType.CLUSTER_IP, List.of("10.96.0.12"), List.of(),
            List.of(), List.of(), new ServicePortSpec("sig", 9, Protocol.SCTP, 0)));
        m.upsertSlice(OracleFixtures.slice("default", "signal-1", "signal", false,
            List.of(new EndpointPortSpec("sig", 9, Protocol.SCTP)), ready("10.244.0.7", "node-b")));
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(m, sctp(CLIENT, 1, "10.96.0.12", 9, PacketTuple.SCTP_INIT), 0, "10.244.0.7:9");
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        m.upsertSlice(OracleFixtures.slice("default", "signal-1", "signal", false,
            List.of(new EndpointPortSpec("sig", 9, Protocol.SCTP)), ready("10.244.0.8", NODE)));
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), false, B);
        assertVerdict(send(m, sctp(CLIENT, 1, "10.96.0.12", 9, 0), SECOND), Verdict.DROP, Reason.BACKEND_REMOVED,
            "default/signal:sig");
    }

    @Test
    void removedBackendIsRescheduledOtherwise()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.RESCHEDULE);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        // Mid-flow policy PASS is not applied to a reschedule.
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), true, A);
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), 2 * SECOND), false, A);

        final ReferenceModel d = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        send(d, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(d, udp(CLIENT, 1, VIP, 53), 0, "10.244.0.2:5353");
        d.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        assertDnat(send(d, tcp(CLIENT, 1, VIP, 80, SYN), SECOND), true, A);
        assertDnat(send(d, udp(CLIENT, 1, VIP, 53), SECOND), true, "10.244.0.1:5353");
    }

    @Test
    void removedThenReAddedBackendStillCountsAsRemoved()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), ready("10.244.0.2", "node-b")));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), Verdict.DROP, Reason.BACKEND_REMOVED,
            HTTP_LABEL);
        // Conditions changing while listed do not remove it.
        send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0, B);
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), endpoint("10.244.0.2", false, false, false, "")));
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, ACK), SECOND), false, B);
    }

    @Test
    void deletedServicePassesAndItsFlowsDoNotSurviveItsReturn()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        m.deleteService("default", "web");
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), Verdict.PASS, Reason.NONE, null);
        m.upsertService(web(ServiceType.NODE_PORT));
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), Verdict.DROP, Reason.BACKEND_REMOVED,
            HTTP_LABEL);
        m.deleteSlice("default", "web-1");
        assertVerdict(send(m, tcp(CLIENT, 2, VIP, 80, SYN), SECOND), Verdict.REJECT, Reason.NO_ENDPOINTS,
            HTTP_LABEL);
    }

    @Test
    void synToQuiescedBackendIsRescheduledOtherPacketsStay()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);
        send(m, udp(CLIENT, 1, VIP, 53), 0, "10.244.0.2:5353");
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE), endpoint("10.244.0.2", false, true, true, "node-b")));
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), SECOND), false, B);
        assertDnat(send(m, udp(CLIENT, 1, VIP, 53), SECOND), false, "10.244.0.2:5353");
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 2 * SECOND), true, A);
    }

    @Test
    void synOnTimeWaitOrCloseIsANewConnection()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);                   // SYN_RECV
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, FIN), 1), false, B); // SR + fin = TIME_WAIT
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 2), true, A, B);
        send(m, tcp(CLIENT, 2, VIP, 80, SYN), 0, B);
        send(m, tcp(CLIENT, 2, VIP, 80, ACK), 1);                      // ESTABLISHED
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 2), false, B); // ES + syn = ES: same flow
        send(m, tcp(CLIENT, 2, VIP, 80, RST | ACK), 3);                // ES + rst = CLOSE
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 4), true, A, B);
        // A flow scheduled from a mid-flow FIN starts in CLOSE, so its next SYN is a new connection too.
        send(m, tcp(CLIENT, 3, VIP, 80, FIN | ACK), 0, B);
        assertDnat(send(m, tcp(CLIENT, 3, VIP, 80, SYN), 1), true, A, B);
    }

    @Test
    void entriesExpireAfterTheTimeoutOfTheirState()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B);                                 // SYN_RECV: 60 s
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, ACK), 60 * SECOND - 1), false, B); // ESTABLISHED: 900 s
        final long t = 60 * SECOND - 1;
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, PSH), t + 900 * SECOND - 1), false, B);
        // The last packet's timer, written with the refresh grain (1 s for both states: ConnTimeouts), has run out
        // one grain after its timeout.
        assertVerdict(send(m, tcp(CLIENT, 1, VIP, 80, ACK), t + 1800 * SECOND - 1 + SECOND), Verdict.PASS,
            Reason.NO_CONNECTION, HTTP_LABEL);
        send(m, udp(CLIENT, 1, VIP, 53), 0, "10.244.0.2:5353");                     // UDP: 300 s
        assertDnat(send(m, udp(CLIENT, 1, VIP, 53), 299 * SECOND), false, "10.244.0.2:5353");
        assertDnat(send(m, udp(CLIENT, 1, VIP, 53), 600 * SECOND), true, "10.244.0.1:5353", "10.244.0.2:5353");
    }

    @Test
    void clientIpAffinityPinsNewConnectionsUntilItsTimerRunsOut()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        m.upsertService(web(ServiceType.NODE_PORT).withAffinity(10));
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0, B), true, A, B);
        assertDnat(send(m, tcp(CLIENT, 2, VIP, 80, SYN), 5 * SECOND), true, B);   // timer restarts at 5 s
        assertDnat(send(m, tcp(CLIENT, 3, VIP, 80, ACK), 14 * SECOND), true, B);
        assertDnat(send(m, tcp(CLIENT, 3, VIP, 80, ACK), 23 * SECOND), false, B); // packets do not restart it
        assertDnat(send(m, tcp(CLIENT, 4, VIP, 80, SYN), 24 * SECOND, A), true, A, B);
        assertDnat(send(m, tcp("10.1.0.6", 1, VIP, 80, SYN), 25 * SECOND), true, A, B);
        // Per Service port: the NodePort frontend shares the port's record, another port does not.
        assertDnat(send(m, tcp(CLIENT, 5, "192.168.0.10", 30080, SYN), 25 * SECOND), true, A);
        assertDnat(send(m, udp(CLIENT, 5, VIP, 53), 25 * SECOND), true, "10.244.0.1:5353", "10.244.0.2:5353");
        // A remembered backend that can no longer take new flows is ignored.
        m.upsertSlice(webSlice(endpoint("10.244.0.1", false, true, true, NODE), ready("10.244.0.2", "node-b")));
        assertDnat(send(m, tcp(CLIENT, 6, VIP, 80, SYN), 26 * SECOND), true, B);
    }

    @Test
    void udpAndSctpOpenFlowsOnTheirOwnTerms()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.PASS, RemovedBackendPolicy.DROP);
        assertDnat(send(m, udp(CLIENT, 9, VIP, 53), 0, "10.244.0.1:5353"), true, "10.244.0.1:5353",
            "10.244.0.2:5353");
        assertDnat(send(m, udp(CLIENT, 9, VIP, 53), 1), false, "10.244.0.1:5353");
        assertVerdict(send(m, sctp(CLIENT, 9, VIP, 9, PacketTuple.SCTP_ABORT), 0), Verdict.PASS,
            Reason.NO_CONNECTION, "default/web:assoc");
        assertDnat(send(m, sctp(CLIENT, 9, VIP, 9, PacketTuple.SCTP_INIT), 0, "10.244.0.2:9999"), true,
            "10.244.0.1:9999", "10.244.0.2:9999");
        assertDnat(send(m, sctp(CLIENT, 9, VIP, 9, 0), 1), false, "10.244.0.2:9999");
        assertDnat(send(m, sctp(CLIENT, 9, VIP, 9, PacketTuple.SCTP_INIT), 2), false, "10.244.0.2:9999");
    }

    @Test
    void ipv6FrontendsAndBackendsUseCanonicalNames()
    {
        final ReferenceModel m = model();
        m.upsertService(service("default", "web", ServiceType.CLUSTER_IP, List.of(VIP, "FD00:96:0:0::1"), List.of(),
            List.of(), List.of(), HTTP));
        m.upsertSlice(webSlice(ready("10.244.0.1", NODE)));
        m.upsertSlice(OracleFixtures.slice("default", "web-2", "web", true, PORTS,
            ready("fd00:244:0:0:0:0:0:1", NODE), ready("fd00:0:0:1:0:0:0:2", NODE)));
        assertDnat(send(m, tcp("fd01::5", 1, "fd00:96::1", 80, SYN), 0), true, "[fd00:244::1]:8080",
            "[fd00:0:0:1::2]:8080");
        assertDnat(send(m, tcp(CLIENT, 1, VIP, 80, SYN), 0), true, A);
        assertNull(m.selection("default", "web", new ServicePortSpec("x", 1, Protocol.TCP, 0), true));
    }

    @Test
    void modelTablesFollowTheSpecText()
    {
        assertEquals(ConnState.SYN_RECV, TcpTransitions.next(ConnState.NONE, SYN));
        assertEquals(ConnState.ESTABLISHED, TcpTransitions.next(ConnState.NONE, ACK));
        assertEquals(ConnState.CLOSE_WAIT, TcpTransitions.next(ConnState.ESTABLISHED, FIN | ACK));
        assertEquals(ConnState.SYN_RECV, TcpTransitions.next(ConnState.SYN_RECV, RST | SYN));
        assertEquals(ConnState.LAST_ACK, TcpTransitions.next(ConnState.LAST_ACK, RST));
        assertEquals(ConnState.CLOSE, TcpTransitions.next(ConnState.LAST_ACK, ACK));
        assertEquals(ConnState.TIME_WAIT, TcpTransitions.next(ConnState.SYNACK, FIN));
        assertEquals(ConnState.FIN_WAIT, TcpTransitions.next(ConnState.FIN_WAIT, PSH));
        assertEquals("2001:db8::1:0:0:1", ModelAddress.canonical("2001:0db8:0:0:1:0:0:1"));
        assertEquals("2001:0:0:1::", ModelAddress.canonical("2001:0:0:1:0:0:0:0"));
        assertEquals("1:0:1:0:1:0:1:0", ModelAddress.canonical("1:0:1:0:1:0:1:0"));
        assertEquals("::ffff:a00:1", ModelAddress.canonical("::ffff:10.0.0.1"));
        assertTrue(ModelAddress.inCidr("10.1.255.1", "10.1.0.0/16"));
        assertFalse(ModelAddress.inCidr("10.2.0.1", "10.1.0.0/16"));
        assertFalse(ModelAddress.inCidr("fd01::1", "10.1.0.0/16"));
        assertTrue(ModelAddress.inCidr("fd01::1", "::/0"));
    }

    @Test
    void commitMustFollowItsExpectation()
    {
        final ReferenceModel m = webModel(MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP);
        final Expectation first = m.expect(tcp(CLIENT, 1, VIP, 80, SYN), 0);
        final Expectation second = m.expect(tcp(CLIENT, 2, VIP, 80, SYN), 0);
        assertThrows(IllegalStateException.class, () -> m.commit(first, A));
        assertThrows(IllegalArgumentException.class, () -> m.commit(second, "10.9.9.9:1"));
    }
}
