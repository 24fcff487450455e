package io.vipflow.harness.gen;

import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

class TrafficGeneratorTest
{
    private static final List<ServiceSpec> SERVICES = List.of(
        ClusterGenerator.service(new ServiceShape("shop", "web", 3, List.of(new PortShape("http", 80, 8080,
            Protocol.TCP)), true, true, 1, 1, 0), 0),
        ClusterGenerator.service(new ServiceShape("kube-system", "dns", 3, List.of(new PortShape("dns", 53, 53,
            Protocol.UDP)), true, false, 1, 1, 0), 1));

    private static final TrafficModel ATTACKED = TrafficModel.defaults().withPacketsPerSecond(5_000).withAttacks(
        List.of(
        new TrafficModel.Attack(TrafficModel.Attack.Kind.SYN_FLOOD, 2, 4, 1.0, "web", 1),
        new TrafficModel.Attack(TrafficModel.Attack.Kind.SCAN, 0, 10, 0.1, null, 20)));

    @Test
    void zipfFrequenciesFollowTheLaw()
    {
        final Zipf zipf = new Zipf(10, 1.0);
        final SplittableRandom random = new SplittableRandom(1);
        final int[] counts = new int[10];
        final int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            counts[zipf.sample(random)]++;
        }
        double harmonic = 0;
        for (int k = 1; k <= 10; k++)
        {
            harmonic += 1.0 / k;
        }
        for (int k = 0; k < 10; k++)
        {
            final double expected = 1.0 / (k + 1) / harmonic;
            assertEquals(expected, zipf.probability(k), 1e-12);
            assertEquals(expected, counts[k] / (double)n, 0.005, "rank " + k);
        }
        assertTrue(counts[0] > 2 * counts[1] * 0.95 && counts[1] > counts[9] * 4, "popularity falls with rank");
    }

    @Test
    void sameSeedSamePacketsInTimeOrder()
    {
        final List<TrafficPacket> a = new TrafficGenerator(ATTACKED, SERVICES, 5, 10, 20_000).take(30_000);
        final List<TrafficPacket> b = new TrafficGenerator(ATTACKED, SERVICES, 5, 10, 20_000).take(30_000);
        assertEquals(20_000, a.size(), "the packet limit holds");
        assertEquals(a, b);
        for (int i = 1; i < a.size(); i++)
        {
            assertTrue(a.get(i).timeNanos() >= a.get(i - 1).timeNanos(), "time order");
        }
        final Set<FlowKind> kinds = EnumSet.noneOf(FlowKind.class);
        a.forEach(p -> kinds.add(p.kind()));
        assertEquals(EnumSet.allOf(FlowKind.class), kinds, "every kind of flow turns up");
        assertTrue(a.stream().anyMatch(TrafficPacket::ipv6) && a.stream().anyMatch(p -> !p.ipv6()), "both families");
    }

    @Test
    void tcpFlowsFollowRealisticFlagSequences()
    {
        final Map<Integer, List<TrafficPacket>> flows = new HashMap<>();
        for (final TrafficPacket p : new TrafficGenerator(ATTACKED, SERVICES, 11, 30, Long.MAX_VALUE).take(200_000))
        {
            flows.computeIfAbsent(p.flowId(), k -> new ArrayList<>()).add(p);
        }
        int completeHttp = 0;
        int rst = 0;
        for (final List<TrafficPacket> flow : flows.values())
        {
            final TrafficPacket first = flow.get(0);
            assertTrue(first.first(), "a flow starts with its first packet");
            assertTrue(flow.stream().allMatch(p -> p.srcPort() == first.srcPort() && p.dstLo() == first.dstLo() &&
                p.protocol() == first.protocol()), "one socket per flow");
            if (first.protocol() == PacketTuple.PROTO_UDP)
            {
                assertTrue(first.kind() == FlowKind.DNS && flow.size() <= 2 && first.dstPort() == 53);
                continue;
            }
            assertEquals(PacketTuple.TCP_SYN, first.flags(), "TCP opens with a bare SYN: " + first);
            final TrafficPacket last = flow.get(flow.size() - 1);
            switch (first.kind())
            {
                case SYN_FLOOD:
                    assertEquals(1, flow.size());
                    break;
                case SCAN:
                    assertTrue(flow.size() == 1 || last.flags() == PacketTuple.TCP_RST);
                    break;
                default:
                    for (int i = 1; i < flow.size(); i++)
                    {
                        assertTrue(flow.get(i).hasFlag(PacketTuple.TCP_ACK), "after the SYN every packet ACKs");
                        assertTrue(!flow.get(i).hasFlag(PacketTuple.TCP_SYN), "one SYN per connection");
                    }
                    if (!last.last())
                    {
                        break;
                    }
                    if (last.hasFlag(PacketTuple.TCP_RST))
                    {
                        rst++;
                    }
                    else
                    {
                        assertEquals(PacketTuple.TCP_ACK, last.flags(), "the final ACK of the server's FIN");
                        assertTrue(flow.get(flow.size() - 2).hasFlag(PacketTuple.TCP_FIN), "FIN before it");
                        completeHttp += first.kind() == FlowKind.HTTP ? 1 : 0;
                    }
                    break;
            }
        }
        assertTrue(completeHttp > 1_000 && rst > 10, completeHttp + " closed with FIN, " + rst + " with RST");
    }

    @Test
    void anyModelGivesOrderedPacketsToItsServices()
    {
        qt().withExamples(30).forAll(Generators.trafficModels()).checkAssert(model ->
        {
            final List<TrafficPacket> packets = new TrafficGenerator(model, SERVICES, 3, 20, 3_000).take(3_000);
            assertTrue(!packets.isEmpty());
            for (int i = 1; i < packets.size(); i++)
            {
                assertTrue(packets.get(i).timeNanos() >= packets.get(i - 1).timeNanos());
                assertTrue(packets.get(i).timeNanos() < 20_000_000_000L);
            }
        });
    }
}
