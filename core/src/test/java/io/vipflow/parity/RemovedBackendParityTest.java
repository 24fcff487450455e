package io.vipflow.parity;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to the established flows of an endpoint that leaves the EndpointSlices, per removed-backend policy:
 * <ul>
 * <li>nftables and iptables ({@code KEEP}): the flow's conntrack entry keeps translating until it expires; kube-proxy
 * flushes only UDP entries of endpoints that stopped serving ({@code pkg/proxy/conntrack/cleanup.go}
 * {@code CleanStaleEntries}: "we only deal with UDP protocol entries");</li>
 * <li>IPVS ({@code DRAIN}): the destination is deleted gracefully ({@code pkg/proxy/ipvs/proxier.go}
 * {@code syncEndpoint} calls {@code GracefulDeleteRS} for every current destination not in the new endpoint set;
 * {@code graceful_termination.go} {@code deleteRsFunc} keeps a TCP one at weight 0 while
 * {@code ActiveConn + InactiveConn != 0}, and deletes UDP and SCTP ones at once, {@code ipvs/util/ipvs.go}
 * {@code IsRsGracefulTerminationNeeded}), after which {@code expire_nodest_conn} drops the next packet;</li>
 * <li>{@code DROP}, the default in every mode: as IPVS once the destination is really deleted.</li>
 * </ul>
 * A new connection never reaches a removed endpoint under any policy.
 */
class RemovedBackendParityTest
{
    private static final String VIP = "172.30.0.41";
    private static final long SECOND = 1_000_000_000L;

    private ControlPlane cp;
    private Classifier classifier;
    private final Decision d = new Decision();

    @AfterEach
    void close()
    {
        if (classifier != null)
        {
            classifier.close();
        }
    }

    private void start(final RemovedBackendPolicy policy, final ProxyMode mode)
    {
        cp = new ControlPlane("node1", List.of("192.168.0.2"), "rr", 1).proxyMode(mode);
        classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(16).withRemovedBackendPolicy(policy));
    }

    private void publish(final Protocol protocol, final String... ips)
    {
        cp.upsertService(ServiceSpec.clusterIp("ns1", "svc1", VIP, new ServicePortSpec("p80", 80, protocol, 0)));
        final List<EndpointSpec> endpoints = Arrays.stream(ips).map(ip -> EndpointSpec.ready(ip, "node2"))
            .toList();
        cp.upsertSlice(new EndpointSliceSpec("ns1", "svc1-a", "svc1", false,
            List.of(new EndpointPortSpec("p80", 80, protocol)), endpoints));
        cp.publish();
    }

    private Decision send(final int protocol, final int clientPort, final int flags, final long now)
    {
        final long[] s = Addresses.parse("10.0.0.2");
        final long[] t = Addresses.parse(VIP);
        classifier.classify(new PacketTuple().set(protocol, false, s[0], s[1], clientPort, t[0], t[1], 80, flags),
            now, d);
        return d;
    }

    private String backend()
    {
        return d.backend() == null ? d.verdict() + " " + d.reason().label : d.backend().name;
    }

    private ServicePort port()
    {
        return cp.current().servicePorts().get(0);
    }

    /** A TCP connection established on the first endpoint, which then leaves the slices; returns its name. */
    private String establishThenRemove()
    {
        publish(Protocol.TCP, "10.180.0.1");
        send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_SYN, 0);
        send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_ACK, SECOND);
        assertEquals("10.180.0.1:80", backend());
        publish(Protocol.TCP, "10.180.0.2");
        return "10.180.0.1:80";
    }

    @Test
    void keepTranslatesTheEstablishedFlowToTheEndpointThatLeft()
    {
        for (final ProxyMode mode : List.of(ProxyMode.NFTABLES, ProxyMode.IPTABLES))
        {
            start(RemovedBackendPolicy.KEEP, mode);
            final String removed = establishThenRemove();
            assertEquals(Verdict.DNAT, send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_ACK, 2 * SECOND).verdict());
            assertEquals(removed, backend(), mode + ": conntrack keeps translating");
            assertFalse(d.newFlow());
            final Backend departed = port().departed(d.backend().id);
            assertEquals(d.backend(), departed, "kept as departed, not listed");
            assertNull(port().backend(departed.id));
            assertEquals(1, departed.counters.active(), "the flow is still counted on it");
            // A new connection never reaches it.
            send(PacketTuple.PROTO_TCP, 40001, PacketTuple.TCP_SYN, 2 * SECOND);
            assertEquals("10.180.0.2:80", backend());
            classifier.close();
        }
        classifier = null;
    }

    /** A SYN on the entry of a removed endpoint opens a new connection, to a listed endpoint. */
    @Test
    void keepSchedulesASynAfresh()
    {
        start(RemovedBackendPolicy.KEEP, ProxyMode.NFTABLES);
        establishThenRemove();
        send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_SYN, 2 * SECOND);
        assertEquals("10.180.0.2:80", backend());
        assertTrue(d.rescheduled());
    }

    @Test
    void dropIsTheDefaultAndEndsTheFlow()
    {
        assertEquals(RemovedBackendPolicy.DROP, ClassifierConfig.defaults().removedBackendPolicy());
        start(RemovedBackendPolicy.DROP, ProxyMode.NFTABLES);
        establishThenRemove();
        assertEquals(Verdict.DROP, send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_ACK, 2 * SECOND).verdict());
        assertEquals(Reason.BACKEND_REMOVED, d.reason());
    }

    @Test
    void drainKeepsTcpFlowsInTheIpvsProfile()
    {
        start(RemovedBackendPolicy.DRAIN, ProxyMode.IPVS);
        final String removed = establishThenRemove();
        assertEquals(Verdict.DNAT, send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_ACK, 2 * SECOND).verdict());
        assertEquals(removed, backend(), "weight 0 while it has connections: the connection goes on");
    }

    /** SCTP: conntrack keeps it (KEEP); IPVS deletes the destination at once (DRAIN), so the packet is dropped. */
    @Test
    void sctpIsKeptByConntrackButNotByIpvs()
    {
        for (final RemovedBackendPolicy policy : List.of(RemovedBackendPolicy.KEEP, RemovedBackendPolicy.DRAIN))
        {
            start(policy, policy == RemovedBackendPolicy.KEEP ? ProxyMode.NFTABLES : ProxyMode.IPVS);
            publish(Protocol.SCTP, "10.180.0.1");
            send(PacketTuple.PROTO_SCTP, 40000, PacketTuple.SCTP_INIT, 0);
            assertEquals("10.180.0.1:80", backend());
            publish(Protocol.SCTP, "10.180.0.2");
            send(PacketTuple.PROTO_SCTP, 40000, 0, SECOND);
            if (policy == RemovedBackendPolicy.KEEP)
            {
                assertEquals("10.180.0.1:80", backend(), "conntrack keeps SCTP entries");
            }
            else
            {
                assertEquals(Verdict.DROP, d.verdict(), "IsRsGracefulTerminationNeeded: SCTP is deleted at once");
                assertEquals(Reason.BACKEND_REMOVED, d.reason());
            }
            classifier.close();
        }
        classifier = null;
    }

    /** UDP entries of a removed endpoint are flushed in every mode: the next datagram is scheduled afresh. */
    @Test
    void udpIsScheduledAfreshUnderEveryPolicy()
    {
        for (final RemovedBackendPolicy policy : RemovedBackendPolicy.values())
        {
            start(policy, ProxyMode.NFTABLES);
            publish(Protocol.UDP, "10.180.0.1");
            send(PacketTuple.PROTO_UDP, 40000, 0, 0);
            publish(Protocol.UDP, "10.180.0.2");
            send(PacketTuple.PROTO_UDP, 40000, 0, SECOND);
            assertEquals("10.180.0.2:80", backend(), policy + ": CleanStaleEntries flushes UDP");
            assertTrue(d.newFlow());
            classifier.close();
        }
        classifier = null;
    }

    /**
     * The departed backend stays in the snapshot only while entries name it: once its flow is gone, the next
     * recompile of the Service drops it; {@code retireDrained} marks the Service for that recompile (kube-proxy's
     * graceful-termination check), so it goes without any other change.
     */
    @Test
    void aDepartedBackendLeavesOnceItsEntriesAreGone()
    {
        start(RemovedBackendPolicy.KEEP, ProxyMode.NFTABLES);
        establishThenRemove();
        assertEquals(1, port().departedCount());
        assertEquals(0, cp.retireDrained(), "its connection is still counted");
        send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_RST | PacketTuple.TCP_ACK, 2 * SECOND);
        // Expire the closed entry and sweep it: its counts go back to zero.
        final long later = 2 * SECOND + 3_600 * SECOND;
        while (!classifier.sweep(later, 4096))
        {
            // one pass over the table
        }
        assertEquals(0, port().departedAt(0).counters.active() + port().departedAt(0).counters.inactive());
        cp.publish();
        assertEquals(1, port().departedCount(), "nothing changed, nothing recompiled");
        assertEquals(1, cp.retireDrained());
        cp.publish();
        assertEquals(0, port().departedCount());
        send(PacketTuple.PROTO_TCP, 40000, PacketTuple.TCP_ACK, later);
        assertEquals("10.180.0.2:80", backend(), "the entry is gone: a mid-flow packet is scheduled as new");
    }
}
