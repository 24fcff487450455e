package io.vipflow.testkit;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/** The generators reach IPv6 and SCTP, and leave each out when its limit switches it off. */
class WorkloadsTest
{
    @Test
    void defaultWorkloadsHoldIpv6AndSctpTraffic()
    {
        final List<Workload> seen = sample(Workloads.Limits.defaults());
        assertTrue(seen.stream().anyMatch(w -> w.packets().stream().anyMatch(Packet::ipv6)), "no IPv6 packet");
        assertTrue(seen.stream().anyMatch(w -> w.packets().stream()
            .anyMatch(p -> p.protocol() == PacketTuple.PROTO_SCTP && (p.tcpFlags() & PacketTuple.SCTP_INIT) != 0)),
            "no SCTP INIT");
        assertTrue(seen.stream().anyMatch(w -> w.cluster().slices().stream().anyMatch(s -> s.ipv6())),
            "no IPv6 EndpointSlice");
    }

    @Test
    void limitsSwitchIpv6AndSctpOff()
    {
        final Workloads.Limits d = Workloads.Limits.defaults();
        final List<Workload> seen = sample(new Workloads.Limits(d.maxServices(), d.maxEndpoints(), d.maxChanges(),
            d.maxFlows(), d.maxPacketsPerFlow(), d.durationMillis(), d.udp(), d.affinity(), d.external(),
            d.attacks(), false, false));
        for (final Workload w : seen)
        {
            assertFalse(w.packets().stream().anyMatch(p -> p.ipv6() || p.protocol() == PacketTuple.PROTO_SCTP),
                w::toString);
            assertFalse(w.cluster().services().stream().flatMap(s -> s.ports().stream())
                .anyMatch(p -> p.protocol() == Protocol.SCTP), w::toString);
        }
    }

    private static List<Workload> sample(final Workloads.Limits limits)
    {
        final List<Workload> seen = new ArrayList<>();
        qt().withFixedSeed(7L).withExamples(100).forAll(Workloads.workloads(limits)).checkAssert(seen::add);
        return seen;
    }
}
