package io.vipflow.testkit.oracle;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The packets of a {@link ClusterScenario}: new flows to frontends (and to decoys), further packets of recent
 * flows, and answers from backends to the clients of recent flows, some of them from the wrong backend or to the
 * wrong client. Everything is drawn from the scenario's {@link RandomCluster}, step by step.
 */
final class ScenarioTraffic
{
    private static final int[] TCP_MID_FLOW = {OracleFixtures.ACK, OracleFixtures.ACK | OracleFixtures.PSH,
        OracleFixtures.FIN | OracleFixtures.ACK, OracleFixtures.FIN, OracleFixtures.RST,
        OracleFixtures.RST | OracleFixtures.ACK, OracleFixtures.SYN | OracleFixtures.RST, 0, OracleFixtures.PSH};
    /** What backends send: the reply direction changes no state, so any of these will do. */
    private static final int[] TCP_REPLY = {OracleFixtures.SYN | OracleFixtures.ACK, OracleFixtures.ACK,
        OracleFixtures.ACK | OracleFixtures.PSH, OracleFixtures.FIN | OracleFixtures.ACK, OracleFixtures.RST};
    private static final int RECENT = 10;

    /** A destination that may or may not be a frontend. */
    private record Target(int protocol, String address, int port)
    {
    }

    /** A flow the classifier sent to a backend: what a reply answers. */
    private record Answered(PacketTuple flow, long backendHi, long backendLo, int backendPort)
    {
    }

    private final RandomCluster gen;
    private final List<PacketTuple> flows = new ArrayList<>();
    private final List<Answered> answered = new ArrayList<>();

    ScenarioTraffic(final RandomCluster gen)
    {
        this.gen = gen;
    }

    /** True when some flow has been sent to a backend, so that {@link #nextReply} has something to answer. */
    boolean hasAnswered()
    {
        return !answered.isEmpty();
    }

    /** Remembers that the classifier sent this client-to-service packet to {@code backend}. */
    void answered(final PacketTuple flow, final Backend backend)
    {
        answered.add(new Answered(new PacketTuple().copyFrom(flow), backend.addrHi, backend.addrLo, backend.port));
        if (answered.size() > RECENT)
        {
            answered.remove(0);
        }
    }

    /** Mostly a packet of a recent flow; otherwise the first packet of a flow to a frontend or a decoy. */
    PacketTuple nextPacket(final List<ServiceSpec> services, final List<ServiceSpec> deletedServices)
    {
        if (!flows.isEmpty() && gen.chance(0.6))
        {
            // Mostly one of the latest flows, so that flows see several packets before they expire.
            final PacketTuple flow = recent(flows);
            return new PacketTuple().set(flow.protocol, flow.ipv6, flow.srcHi, flow.srcLo,
                flow.srcPort, flow.dstHi, flow.dstLo, flow.dstPort, continuingFlags(flow.protocol));
        }
        final Target target = nextTarget(services, deletedServices);
        final boolean ipv6 = target.address().contains(":");
        final String client = gen.pick(ipv6 ? RandomCluster.V6_CLIENTS : RandomCluster.V4_CLIENTS);
        final int flags;
        if (target.protocol() == PacketTuple.PROTO_TCP)
        {
            flags = gen.chance(0.85) ? OracleFixtures.SYN : TCP_MID_FLOW[gen.nextInt(TCP_MID_FLOW.length)];
        }
        else if (target.protocol() == PacketTuple.PROTO_SCTP)
        {
            flags = gen.chance(0.7) ? PacketTuple.SCTP_INIT : gen.chance(0.5) ? 0 : PacketTuple.SCTP_ABORT;
        }
        else
        {
            flags = 0;
        }
        final PacketTuple t = OracleFixtures.packet(target.protocol(), client, 40000 + gen.nextInt(4),
            target.address(), target.port(), flags);
        flows.add(new PacketTuple().copyFrom(t));
        if (flows.size() > RECENT)
        {
            flows.remove(0);
        }
        return t;
    }

    /**
     * A backend-to-client packet about a recent flow (call only when {@link #hasAnswered}): mostly from the
     * flow's backend to its client; sometimes from another endpoint address or port, to another client port or
     * address, or of the other transport protocol.
     */
    PacketTuple nextReply()
    {
        final Answered a = recent(answered);
        final PacketTuple flow = a.flow();
        long backendHi = a.backendHi();
        long backendLo = a.backendLo();
        int backendPort = a.backendPort();
        long clientHi = flow.srcHi;
        long clientLo = flow.srcLo;
        int clientPort = flow.srcPort;
        int protocol = flow.protocol;
        final int r = gen.nextInt(100);
        if (r < 60)
        {
            // The flow's own backend answering its client.
        }
        else if (r < 78)
        {
            final long[] other = Addresses.parse(gen.endpointAddress(flow.ipv6));
            backendHi = other[0];
            backendLo = other[1];
            backendPort = gen.chance(0.8) ? backendPort : 8080 + gen.nextInt(2);
        }
        else if (r < 92)
        {
            clientPort = 40000 + gen.nextInt(4);
        }
        else if (r < 97)
        {
            final long[] other = Addresses.parse(gen.pick(flow.ipv6 ? RandomCluster.V6_CLIENTS :
                RandomCluster.V4_CLIENTS));
            clientHi = other[0];
            clientLo = other[1];
        }
        else
        {
            protocol = protocol == PacketTuple.PROTO_TCP ? PacketTuple.PROTO_UDP : PacketTuple.PROTO_TCP;
        }
        final int flags = protocol == PacketTuple.PROTO_TCP ? TCP_REPLY[gen.nextInt(TCP_REPLY.length)] : 0;
        return new PacketTuple().set(protocol, flow.ipv6, backendHi, backendLo, backendPort, clientHi, clientLo,
            clientPort, flags);
    }

    /** Mostly one of the three latest, sometimes any of the recent ones. */
    private <T> T recent(final List<T> from)
    {
        final int latest = Math.max(0, from.size() - 3);
        return from.get(gen.chance(0.7) ? latest + gen.nextInt(from.size() - latest) : gen.nextInt(from.size()));
    }

    private int continuingFlags(final int protocol)
    {
        if (protocol == PacketTuple.PROTO_SCTP)
        {
            final int c = gen.nextInt(10);
            return c < 6 ? 0 : c < 8 ? PacketTuple.SCTP_INIT : PacketTuple.SCTP_ABORT;
        }
        if (protocol != PacketTuple.PROTO_TCP)
        {
            return 0;
        }
        final int c = gen.nextInt(100);
        if (c < 24)
        {
            return OracleFixtures.SYN;
        }
        if (c < 27)
        {
            return OracleFixtures.SYN | OracleFixtures.ACK;
        }
        if (c < 45)
        {
            return OracleFixtures.ACK;
        }
        return TCP_MID_FLOW[gen.nextInt(TCP_MID_FLOW.length)];
    }

    /** Mostly a frontend of a current Service; sometimes a deleted one's, a wrong port, or a stranger. */
    private Target nextTarget(final List<ServiceSpec> services, final List<ServiceSpec> deletedServices)
    {
        final List<Target> live = targets(services);
        final double r = gen.nextInt(100) / 100.0;
        if (!live.isEmpty() && r < 0.95)
        {
            return gen.pick(live);
        }
        final List<Target> decoys = targets(deletedServices);
        if (!decoys.isEmpty() && r < 0.97)
        {
            return gen.pick(decoys);
        }
        if (!live.isEmpty() && r < 0.99)
        {
            final Target t = gen.pick(live);
            return gen.chance(0.5) ? new Target(t.protocol(), t.address(), t.port() + 1) :
                new Target(t.protocol() == PacketTuple.PROTO_TCP ? PacketTuple.PROTO_UDP : PacketTuple.PROTO_TCP,
                    t.address(), t.port());
        }
        return gen.chance(0.5) ? new Target(PacketTuple.PROTO_TCP, "10.96.0.200", 80) :
            new Target(PacketTuple.PROTO_UDP, "fd00:96::c8", 53);
    }

    private static List<Target> targets(final List<ServiceSpec> from)
    {
        final List<Target> out = new ArrayList<>();
        for (final ServiceSpec s : from)
        {
            for (final ServicePortSpec p : s.ports())
            {
                final int protocol = p.protocol().number;
                for (final List<String> ips : List.of(s.clusterIps(), s.externalIps(), s.loadBalancerIps()))
                {
                    for (final String ip : ips)
                    {
                        out.add(new Target(protocol, ip, p.port()));
                    }
                }
                if (p.nodePort() > 0)
                {
                    for (final String ip : RandomCluster.NODE_IPS)
                    {
                        out.add(new Target(protocol, ip, p.nodePort()));
                    }
                }
            }
        }
        return out;
    }
}
