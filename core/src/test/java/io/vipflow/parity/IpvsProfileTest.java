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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IPVS profile: each Service port's destination list as kube-proxy's IPVS proxier and the kernel build it
 * together (pkg/proxy/ipvs/proxier.go {@code syncEndpoint}, graceful_termination.go {@code GracefulDeleteRS},
 * ip_vs_ctl.c {@code __ip_vs_update_dest}), checked through the kernel schedulers' picks: {@code rr} walks the list
 * from the entry after its cursor, starting at the head ({@code ip_vs_rr_schedule}); {@code sh} returns nothing for a
 * bucket held by a weight-0 destination ({@code ip_vs_sh_schedule} without {@code sh-fallback}).
 */
class IpvsProfileTest
{
    private static final int SYN = 0x02;
    private static final String VIP = "172.30.0.41";

    private final ControlPlane cp = new ControlPlane("node1", List.of("192.168.0.2"), "rr", 1)
        .proxyMode(ProxyMode.IPVS);
    private final Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(4096)
        .withAffinityCapacity(16));
    private final Decision d = new Decision();
    private int client;

    @AfterEach
    void close()
    {
        classifier.close();
    }

    private void publish(final ServiceSpec spec, final Protocol protocol, final EndpointSpec... endpoints)
    {
        cp.upsertService(spec);
        cp.upsertSlice(new EndpointSliceSpec("ns1", "svc1-a", "svc1", false,
            List.of(new EndpointPortSpec("p80", 80, protocol)), List.of(endpoints)));
        cp.publish();
    }

    private static ServiceSpec svc(final String scheduler, final Protocol protocol)
    {
        return ServiceSpec.builder("ns1", "svc1").clusterIps(VIP)
            .ports(new ServicePortSpec("p80", 80, protocol, 0)).scheduler(scheduler, null).build();
    }

    private void publish(final EndpointSpec... endpoints)
    {
        publish(svc("rr", Protocol.TCP), Protocol.TCP, endpoints);
    }

    private static EndpointSpec ready(final String ip)
    {
        return EndpointSpec.ready(ip, "node2");
    }

    private static EndpointSpec terminating(final String ip)
    {
        return new EndpointSpec(List.of(ip), false, true, true, "node2", null);
    }

    /** A new connection from a new client; returns the backend's address, or the verdict and reason. */
    private String connect(final int protocol)
    {
        client++;
        final long[] s = Addresses.parse("10.0." + (client >> 8) + "." + (client & 255));
        final long[] t = Addresses.parse(VIP);
        classifier.classify(new PacketTuple().set(protocol, false, s[0], s[1], 40000, t[0], t[1], 80,
            protocol == PacketTuple.PROTO_TCP ? SYN : 0), 0, d);
        return d.verdict() == Verdict.DNAT ? d.backend().name.replace(":80", "") : d.verdict() + " " + d.reason().label;
    }

    private List<String> picks(final int n)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            out.add(connect(PacketTuple.PROTO_TCP));
        }
        return out;
    }

    /**
     * {@code syncEndpoint} adds in ascending string order ({@code "10.0.0.10:80" < "10.0.0.1:80" < "10.0.0.2:80"},
     * byte-wise as Go compares), each at the head: the list is 10.0.0.2, 10.0.0.1, 10.0.0.10, and rr's first pick is
     * the greatest name.
     */
    @Test
    void sortedAddsAtTheHeadGiveADescendingList()
    {
        publish(ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.10"));
        assertEquals(List.of("10.0.0.2", "10.0.0.1", "10.0.0.10", "10.0.0.2"), picks(4));
    }

    /** Two endpoints added in one sync: 10.0.0.3 then 10.0.0.4 at the head, before the ones already there. */
    @Test
    void endpointsAddedLaterGoToTheHeadOneAtATime()
    {
        publish(ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.10"));
        assertEquals(List.of("10.0.0.2", "10.0.0.1", "10.0.0.10"), picks(3));
        publish(ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.10"), ready("10.0.0.3"), ready("10.0.0.4"));
        assertEquals(List.of("10.0.0.4", "10.0.0.3", "10.0.0.2", "10.0.0.1", "10.0.0.10"), picks(5),
            "the cursor stayed on 10.0.0.10, the tail; the walk restarts at the head");
    }

    /**
     * Not-ready endpoints are never destinations ({@code syncEndpoint} takes {@code CategorizeEndpoints}' set), so no
     * {@code sh} bucket belongs to one and every flow is placed; the default profile keeps them at weight 0, where
     * their buckets give no destination.
     */
    @Test
    void notReadyEndpointsAreNeverDestinations()
    {
        final EndpointSpec notReady = new EndpointSpec(List.of("10.0.0.2"), false, false, false, "node2", null);
        publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), notReady);
        for (final String pick : picks(64))
        {
            assertEquals("10.0.0.1", pick);
        }
        cp.proxyMode(ProxyMode.NFTABLES);
        cp.publish();
        assertTrue(picks(64).contains("REJECT no-destination"), "default profile: weight-0 buckets");
    }

    /**
     * {@code Test_GracefulDeleteRS} "graceful delete, real server has in-active connections, weight should be 0 but
     * don't delete": a TCP endpoint leaving the set with a connection stays at weight 0 in its place, so its sh
     * buckets give no destination; "graceful delete, no connections results in deleting the real server
     * immediatetly": without one it leaves and every bucket is refilled.
     */
    @Test
    void leavingTcpDestinationDrainsWhileItHasConnections()
    {
        publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), ready("10.0.0.2"));
        final List<String> before = picks(64);
        assertTrue(before.contains("10.0.0.2") && before.contains("10.0.0.1"), before.toString());
        publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), terminating("10.0.0.2"));
        final List<String> draining = picks(64);
        assertTrue(draining.contains("REJECT no-destination"), "weight 0, buckets kept: " + draining);
        assertTrue(!draining.contains("10.0.0.2"));

        final IpvsProfileTest fresh = new IpvsProfileTest();
        try
        {
            fresh.publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), ready("10.0.0.2"));
            fresh.publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), terminating("10.0.0.2"));
            assertEquals(List.of("10.0.0.1"), fresh.picks(64).stream().distinct().toList(),
                "no connections: deleted at once");
        }
        finally
        {
            fresh.close();
        }
    }

    /**
     * An endpoint that leaves the slices altogether is deleted gracefully as well ({@code syncEndpoint} sends every
     * current destination missing from the new endpoint set to {@code GracefulDeleteRS}): with connections it stays
     * at weight 0 and keeps its {@code sh} buckets, whose new flows find no destination. kube-proxy's
     * graceful-termination check ({@code graceful_termination.go} {@code tryDeleteRs}, every minute) deletes it once
     * its counts are 0, with no other change: {@code ControlPlane.retireDrained} then a publish.
     */
    @Test
    void endpointThatLeftTheSlicesDrainsUntilTheCheckDeletesIt()
    {
        publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), ready("10.0.0.2"));
        final List<String> before = picks(64);
        assertTrue(before.contains("10.0.0.2") && before.contains("10.0.0.1"), before.toString());
        publish(svc("sh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"));
        assertTrue(picks(64).contains("REJECT no-destination"), "the departed destination drains at weight 0");
        assertEquals(0, cp.retireDrained(), "it still has connections");
        final long later = 3_600_000_000_000L;
        while (!classifier.sweep(later, 4096))
        {
            // one pass: every entry has expired
        }
        cp.publish();
        assertTrue(picks(64).contains("REJECT no-destination"), "drained, but not deleted until the check runs");
        assertEquals(1, cp.retireDrained());
        cp.publish();
        assertEquals(List.of("10.0.0.1"), picks(64).stream().distinct().toList(), "deleted");
    }

    /**
     * {@code Test_GracefulDeleteRS} "graceful delete, real server has connections, but udp connections are deleted
     * immediately" ({@code IsRsGracefulTerminationNeeded}: UDP and SCTP never drain).
     */
    @Test
    void leavingUdpDestinationLeavesAtOnce()
    {
        publish(svc("sh", Protocol.UDP), Protocol.UDP, ready("10.0.0.1"), ready("10.0.0.2"));
        for (int i = 0; i < 64; i++)
        {
            connect(PacketTuple.PROTO_UDP);
        }
        publish(svc("sh", Protocol.UDP), Protocol.UDP, ready("10.0.0.1"), terminating("10.0.0.2"));
        for (int i = 0; i < 64; i++)
        {
            assertEquals("10.0.0.1", connect(PacketTuple.PROTO_UDP));
        }
    }

    /**
     * An endpoint back while draining is taken off the graceful-delete list and added again
     * ({@code MoveRSOutofGracefulDeleteList}, then {@code AddRealServer}): it moves to the head. List C B A; B drains
     * (it has a connection); back, the list is B C A with rr's cursor still on A.
     */
    @Test
    void returningDrainingDestinationMovesToTheHead()
    {
        publish(ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.3"));
        assertEquals(List.of("10.0.0.3", "10.0.0.2", "10.0.0.1"), picks(3));
        publish(ready("10.0.0.1"), terminating("10.0.0.2"), ready("10.0.0.3"));
        assertEquals(List.of("10.0.0.3", "10.0.0.1"), picks(2), "draining at weight 0: skipped");
        publish(ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.3"));
        assertEquals(List.of("10.0.0.2", "10.0.0.3", "10.0.0.1"), picks(3));
    }

    /**
     * {@code syncEndpoint}: "if there are no local endpoints, use all endpoints" for a Local policy; the nftables
     * profile drops instead ({@code TestExternalTrafficPolicyLocal}, no-endpoint-services).
     */
    @Test
    void localPolicyWithoutLocalEndpointsFallsBackToClusterSet()
    {
        publish(ServiceSpec.builder("ns1", "svc1").clusterIps(VIP).internalTrafficLocal(true)
            .ports(new ServicePortSpec("p80", 80, Protocol.TCP, 0)).build(), Protocol.TCP, ready("10.0.0.1"));
        assertEquals("10.0.0.1", connect(PacketTuple.PROTO_TCP));
        cp.proxyMode(ProxyMode.NFTABLES);
        cp.publish();
        assertEquals("DROP no-local-endpoints", connect(PacketTuple.PROTO_TCP));
    }

    /**
     * ipvs/proxier.go {@code syncProxyRules} sets {@code FlagSourceHash} on every virtual service when the scheduler
     * is {@code mh}: the source port is hashed too ({@code IP_VS_SVC_F_SCHED_MH_PORT}), so one client address spreads
     * its connections; without the flag (default profile, no {@code mh-port}) they all land on one destination.
     */
    @Test
    void mhHashesTheSourcePortInTheIpvsProfile()
    {
        publish(svc("mh", Protocol.TCP), Protocol.TCP, ready("10.0.0.1"), ready("10.0.0.2"), ready("10.0.0.3"));
        assertTrue(fromOneAddress(20000).size() > 1, "IPVS profile: mh-port");
        cp.proxyMode(ProxyMode.NFTABLES);
        cp.publish();
        assertEquals(1, fromOneAddress(30000).size(), "default profile: the address alone");
    }

    /** 32 new connections from one address, from source ports {@code firstPort} on. */
    private Set<String> fromOneAddress(final int firstPort)
    {
        final Set<String> backends = new HashSet<>();
        final long[] s = Addresses.parse("10.9.9.9");
        final long[] t = Addresses.parse(VIP);
        for (int port = firstPort; port < firstPort + 32; port++)
        {
            classifier.classify(new PacketTuple().set(PacketTuple.PROTO_TCP, false, s[0], s[1], port, t[0],
                t[1], 80, SYN), 0, d);
            backends.add(d.backend().name);
        }
        return backends;
    }

    /**
     * Each frontend is its own virtual service (ip_vs_ctl.c: destinations and scheduler state per
     * {@code ip_vs_service}): the ClusterIP's rr cursor does not move the external IP's, and an external IP added
     * later builds its list from scratch (10.0.0.2, 10.0.0.1) where the ClusterIP's list has its history
     * (10.0.0.2 first, 10.0.0.1 added at the head: 10.0.0.1, 10.0.0.2).
     */
    @Test
    void everyFrontendIsItsOwnVirtualService()
    {
        final ServiceSpec clusterIpOnly = svc("rr", Protocol.TCP);
        publish(clusterIpOnly, Protocol.TCP, ready("10.0.0.2"));
        final ServiceSpec withExternalIp = ServiceSpec.builder("ns1", "svc1").clusterIps(VIP)
            .externalIps(List.of("192.168.99.11")).ports(new ServicePortSpec("p80", 80, Protocol.TCP, 0))
            .scheduler("rr", null).build();
        publish(withExternalIp, Protocol.TCP, ready("10.0.0.2"), ready("10.0.0.1"));
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), picks(2), "ClusterIP: 10.0.0.1 added at the head");
        final List<String> external = new ArrayList<>();
        final long[] t = Addresses.parse("192.168.99.11");
        for (int i = 0; i < 3; i++)
        {
            final long[] s = Addresses.parse("10.8.0." + (i + 1));
            classifier.classify(new PacketTuple().set(PacketTuple.PROTO_TCP, false, s[0], s[1], 40000, t[0], t[1], 80,
                SYN), 0, d);
            external.add(d.backend().name.replace(":80", ""));
        }
        assertEquals(List.of("10.0.0.2", "10.0.0.1", "10.0.0.2"), external,
            "external IP: its own list, built from scratch, and its own cursor (a shared one would give 1, 2, 1)");
    }

    /** Every frontend of the Service reads the same list; the ascending order is Go's byte order, IPv6 too. */
    @Test
    void addOrderIsGoStringOrderForIpv6()
    {
        cp.upsertService(ServiceSpec.builder("ns1", "svc6").clusterIps("fd00:30::41")
            .ports(new ServicePortSpec("p80", 80, Protocol.TCP, 0)).scheduler("rr", null).build());
        cp.upsertSlice(new EndpointSliceSpec("ns1", "svc6-a", "svc6", true,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)),
            List.of(ready("fd00::a"), ready("fd00::2"), ready("fd00::10"))));
        cp.publish();
        // "[fd00::10]:80" < "[fd00::2]:80" < "[fd00::a]:80": added in that order, each at the head.
        final List<String> out = new ArrayList<>();
        final long[] t = Addresses.parse("fd00:30::41");
        for (int i = 0; i < 3; i++)
        {
            classifier.classify(new PacketTuple().set(PacketTuple.PROTO_TCP, true, 0xfd01L << 48, i + 1, 40000,
                t[0], t[1], 80, SYN), 0, d);
            out.add(d.backend().name);
        }
        assertEquals(List.of("[fd00::a]:80", "[fd00::2]:80", "[fd00::10]:80"), out);
    }
}
