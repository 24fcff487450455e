package io.vipflow.testkit.oracle;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.List;

/**
 * Builders shared by the oracle tests: packets from address text, and terse Service / slice records.
 */
final class OracleFixtures
{
    static final long SECOND = 1_000_000_000L;
    static final int SYN = PacketTuple.TCP_SYN;
    static final int ACK = PacketTuple.TCP_ACK;
    static final int FIN = PacketTuple.TCP_FIN;
    static final int RST = PacketTuple.TCP_RST;
    static final int PSH = PacketTuple.TCP_PSH;

    private OracleFixtures()
    {
    }

    static PacketTuple packet(final int protocol, final String src, final int srcPort, final String dst,
        final int dstPort, final int flags)
    {
        final long[] s = Addresses.parse(src);
        final long[] d = Addresses.parse(dst);
        if (s[2] != d[2])
        {
            throw new IllegalArgumentException("mixed families: " + src + " -> " + dst);
        }
        return new PacketTuple().set(protocol, s[2] == 6, s[0], s[1], srcPort, d[0], d[1], dstPort, flags);
    }

    static PacketTuple tcp(final String src, final int srcPort, final String dst, final int dstPort, final int flags)
    {
        return packet(PacketTuple.PROTO_TCP, src, srcPort, dst, dstPort, flags);
    }

    static PacketTuple udp(final String src, final int srcPort, final String dst, final int dstPort)
    {
        return packet(PacketTuple.PROTO_UDP, src, srcPort, dst, dstPort, 0);
    }

    static PacketTuple sctp(final String src, final int srcPort, final String dst, final int dstPort,
        final int flags)
    {
        return packet(PacketTuple.PROTO_SCTP, src, srcPort, dst, dstPort, flags);
    }

    static ServiceSpec service(final String namespace, final String name, final ServiceType type,
        final List<String> clusterIps, final List<String> externalIps, final List<String> lbIps,
        final List<String> sourceRanges, final ServicePortSpec... ports)
    {
        return new ServiceSpec(namespace, name, type, clusterIps, externalIps, lbIps, sourceRanges, List.of(ports),
            0, false, false, null);
    }

    static EndpointSpec endpoint(final String address, final boolean ready, final boolean serving,
        final boolean terminating, final String nodeName)
    {
        return new EndpointSpec(List.of(address), ready, serving, terminating, nodeName, "");
    }

    static EndpointSpec ready(final String address, final String nodeName)
    {
        return endpoint(address, true, true, false, nodeName);
    }

    static EndpointSliceSpec slice(final String namespace, final String name, final String serviceName,
        final boolean ipv6, final List<EndpointPortSpec> ports, final EndpointSpec... endpoints)
    {
        return new EndpointSliceSpec(namespace, name, serviceName, ipv6, ports, List.of(endpoints));
    }
}
