package io.vipflow;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.Protocol;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node set up with kube-proxy's test conventions (nftables {@code proxier_test.go} {@code NewFakeProxier}: node
 * {@code test-node} at 192.168.0.2, pods in 10.0.0.0/8, Services in 172.30.0.0/16, external client 203.0.113.2)
 * and a runner for its packet-flow tests ({@code runPacketFlowTests}): a flow names a source, a destination and
 * port, and expects either a verdict or the set of endpoints new connections may reach, and whether they are
 * masqueraded.
 */
final class KubeProxyFlows
{
    static final String NODE = "test-node";
    static final String NODE_IP = "192.168.0.2";
    static final String POD_CIDR = "10.0.0.0/8";
    static final String SERVICE_CIDR = "172.30.0.0/16";
    static final String EXTERNAL_CLIENT = "203.0.113.2";
    /** Connections per flow: enough for the round-robin scheduler to reach every endpoint of a set several times. */
    private static final int CONNECTIONS = 12;

    final ControlPlane controlPlane;
    private int nextPort = 30_000;

    /** The node at {@link #NODE_IP} only. */
    KubeProxyFlows()
    {
        this(List.of(NODE_IP));
    }

    /** The node with these addresses: its NodePort frontends (kube-proxy's {@code --nodeport-addresses}). */
    KubeProxyFlows(final List<String> nodeIps)
    {
        controlPlane = new ControlPlane(NODE, nodeIps, "rr", 1);
    }

    KubeProxyFlows network(final NodeNetwork network)
    {
        controlPlane.nodeNetwork(network);
        return this;
    }

    /** A LoadBalancer Service with one TCP port "p80" (80, node port), a ClusterIP and one load-balancer IP. */
    KubeProxyFlows loadBalancer(final String ns, final String name, final String clusterIp, final int nodePort,
        final String lbIp, final boolean externalLocal, final boolean internalLocal)
    {
        controlPlane.upsertService(ServiceSpec.builder(ns, name).type(ServiceType.LOAD_BALANCER).clusterIps(clusterIp)
            .loadBalancerIps(List.of(lbIp)).ports(new ServicePortSpec("p80", 80, Protocol.TCP, nodePort))
            .externalTrafficLocal(externalLocal).internalTrafficLocal(internalLocal).build());
        return this;
    }

    KubeProxyFlows proxyMode(final ProxyMode mode)
    {
        controlPlane.proxyMode(mode);
        return this;
    }

    KubeProxyFlows service(final ServiceSpec spec)
    {
        controlPlane.upsertService(spec);
        return this;
    }

    /** A slice for port "p80" (80/TCP) with the given endpoints. */
    KubeProxyFlows slice(final String ns, final String service, final EndpointSpec... endpoints)
    {
        controlPlane.upsertSlice(new EndpointSliceSpec(ns, service + "-1", service, false,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)), Arrays.asList(endpoints)));
        return this;
    }

    static EndpointSpec ready(final String ip, final String node)
    {
        return EndpointSpec.ready(ip, node);
    }

    /**
     * One upstream packet-flow test: output is a verdict name ({@code PASS} where upstream expects no rule to
     * match, its empty output), or endpoints "a:80, b:80".
     */
    record Flow(String name, int protocol, String source, String destination, int port, String output,
        boolean masquerade)
    {
        Flow with(final String newOutput, final boolean newMasquerade)
        {
            return new Flow(name, protocol, source, destination, port, newOutput, newMasquerade);
        }
    }

    static Flow flow(final String name, final String source, final String destination, final int port,
        final String output, final boolean masquerade)
    {
        return new Flow(name, PacketTuple.PROTO_TCP, source, destination, port, output, masquerade);
    }

    /** A flow of another protocol (upstream's {@code protocol} field): UDP datagrams, SCTP INITs. */
    static Flow flow(final String name, final int protocol, final String source, final String destination,
        final int port, final String output, final boolean masquerade)
    {
        return new Flow(name, protocol, source, destination, port, output, masquerade);
    }

    /** Classifies new TCP connections of each flow and compares what they reached, and their masquerade bit. */
    void check(final String upstreamCase, final List<Flow> flows)
    {
        controlPlane.publish();
        try (Classifier classifier = new Classifier(controlPlane, ClassifierConfig.defaults()
            .withConnectionCapacity(4096).withAffinityCapacity(64)))
        {
            final Decision d = new Decision();
            for (final Flow f : flows)
            {
                final String label = upstreamCase + " / " + f.name();
                final Set<String> reached = new TreeSet<>();
                final Set<Boolean> masquerade = new TreeSet<>();
                String verdict = null;
                for (int i = 0; i < CONNECTIONS; i++)
                {
                    classifier.classify(open(f.protocol(), f.source(), nextPort++, f.destination(), f.port()),
                        1_000_000L, d);
                    if (d.verdict() == Verdict.DNAT)
                    {
                        reached.add(d.backend().name);
                        masquerade.add(d.masquerade());
                    }
                    else
                    {
                        verdict = d.verdict().name();
                        assertEquals(false, d.masquerade(), label + ": only a DNAT is masqueraded");
                    }
                }
                if (f.output().contains(":"))
                {
                    assertEquals(new TreeSet<>(List.of(f.output().split(", "))), reached, label + ": endpoints");
                    assertEquals(Set.of(f.masquerade()), masquerade, label + ": masquerade");
                }
                else
                {
                    assertEquals(f.output(), verdict, label + ": verdict");
                    assertEquals(Set.of(), reached, label + ": no connection is translated");
                }
            }
        }
    }

    /** The packet that opens a flow of the protocol: a TCP SYN, an SCTP INIT, any UDP datagram. */
    static PacketTuple open(final int protocol, final String src, final int srcPort, final String dst,
        final int dstPort)
    {
        final long[] s = Addresses.parse(src);
        final long[] t = Addresses.parse(dst);
        final int flags = protocol == PacketTuple.PROTO_TCP ? PacketTuple.TCP_SYN :
            protocol == PacketTuple.PROTO_SCTP ? PacketTuple.SCTP_INIT : 0;
        return new PacketTuple().set(protocol, s[2] == 6, s[0], s[1], srcPort, t[0], t[1], dstPort, flags);
    }

    static PacketTuple syn(final String src, final int srcPort, final String dst, final int dstPort)
    {
        final long[] s = Addresses.parse(src);
        final long[] t = Addresses.parse(dst);
        return new PacketTuple().set(PacketTuple.PROTO_TCP, s[2] == 6, s[0], s[1], srcPort, t[0], t[1], dstPort,
            PacketTuple.TCP_SYN);
    }

    /** The flows with the named ones' output or masquerade replaced. */
    static List<Flow> override(final List<Flow> base, final java.util.Map<String, Flow> overrides)
    {
        final List<Flow> out = new ArrayList<>();
        for (final Flow f : base)
        {
            out.add(overrides.getOrDefault(f.name(), f));
        }
        return out;
    }
}
