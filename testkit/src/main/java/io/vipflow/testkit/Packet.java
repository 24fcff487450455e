package io.vipflow.testkit;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;

/**
 * One IPv4 or IPv6 packet from a client to a Service address, as a workload sends it to the proxy under test.
 * <p>
 * Thread contract: immutable.
 *
 * @param atNanos         when it arrives, nanoseconds from the start of the workload.
 * @param protocol        {@link PacketTuple#PROTO_TCP}, {@link PacketTuple#PROTO_UDP} or
 *                        {@link PacketTuple#PROTO_SCTP}.
 * @param client          the client's address, IPv4 dotted or IPv6 ({@code fd00:10::1}).
 * @param clientPort      the client's port.
 * @param destination     the address the client sent to (a ClusterIP, node or load-balancer address), of the
 *                        client's family.
 * @param destinationPort the port the client sent to.
 * @param tcpFlags        TCP flags ({@link PacketTuple#TCP_SYN}, ...); for SCTP, the first chunk as the parser
 *                        reports it ({@link PacketTuple#SCTP_INIT}, {@link PacketTuple#SCTP_ABORT}, or 0 for a
 *                        DATA chunk); 0 for UDP.
 */
public record Packet(long atNanos, int protocol, String client, int clientPort, String destination,
    int destinationPort, int tcpFlags)
{
    private static final byte[] NO_PAYLOAD = new byte[0];

    /**
     * Checks the fields.
     *
     * @param atNanos as {@link #atNanos()}.
     * @param protocol as {@link #protocol()}.
     * @param client as {@link #client()}.
     * @param clientPort as {@link #clientPort()}.
     * @param destination as {@link #destination()}.
     * @param destinationPort as {@link #destinationPort()}.
     * @param tcpFlags as {@link #tcpFlags()}.
     * @throws IllegalArgumentException when the protocol is not TCP, UDP or SCTP, an address is not an IP address
     *                                  or the two are of different families, or the time is negative.
     */
    public Packet
    {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(destination, "destination");
        if (protocol != PacketTuple.PROTO_TCP && protocol != PacketTuple.PROTO_UDP &&
            protocol != PacketTuple.PROTO_SCTP)
        {
            throw new IllegalArgumentException("protocol " + protocol + " is not TCP, UDP or SCTP");
        }
        if (Addresses.parse(client)[2] != Addresses.parse(destination)[2])
        {
            throw new IllegalArgumentException("client " + client + " and destination " + destination +
                " are of different address families");
        }
        if (atNanos < 0)
        {
            throw new IllegalArgumentException("time " + atNanos + " is negative");
        }
    }

    /**
     * @return whether the packet is IPv6.
     */
    public boolean ipv6()
    {
        return client.indexOf(':') >= 0;
    }

    /**
     * Writes this packet into a tuple, as {@code FrameParser} would parse its frame.
     *
     * @param t the tuple to fill.
     * @return {@code t}.
     */
    public PacketTuple toTuple(final PacketTuple t)
    {
        final long[] src = Addresses.parse(client);
        final long[] dst = Addresses.parse(destination);
        return t.set(protocol, ipv6(), src[0], src[1], clientPort, dst[0], dst[1], destinationPort, tcpFlags);
    }

    /**
     * This packet as a whole Ethernet II frame (IPv4 or IPv6) with valid checksums, for a proxy that takes frames
     * ({@code Classifier.classifyFrame} with {@code LinkType.ETHERNET}): TCP and UDP carry no payload, SCTP one
     * INIT, ABORT or DATA chunk.
     *
     * @return a new array holding the frame.
     */
    public byte[] toFrame()
    {
        final byte[] src = bytes(client);
        final byte[] dst = bytes(destination);
        switch (protocol)
        {
            case PacketTuple.PROTO_TCP:
                return Frames.tcp(src, clientPort, dst, destinationPort, tcpFlags, 1, 1, NO_PAYLOAD);
            case PacketTuple.PROTO_UDP:
                return Frames.udp(src, clientPort, dst, destinationPort, NO_PAYLOAD);
            default:
                return Frames.sctp(src, clientPort, dst, destinationPort,
                    (tcpFlags & PacketTuple.SCTP_INIT) != 0 ? Frames.SCTP_INIT :
                    (tcpFlags & PacketTuple.SCTP_ABORT) != 0 ? Frames.SCTP_ABORT : Frames.SCTP_DATA);
        }
    }

    /** The address's bytes in network order: 4 for IPv4, 16 for IPv6. */
    private static byte[] bytes(final String address)
    {
        final long[] a = Addresses.parse(address);
        final ByteBuffer b = ByteBuffer.allocate(a[2] == 4 ? 4 : 16);
        return a[2] == 4 ? b.putInt((int)a[1]).array() : b.putLong(a[0]).putLong(a[1]).array();
    }

    /**
     * @return {@code t=1.250s TCP 10.0.0.1:40000 -> 10.96.0.10:80 SYN},
     *         {@code t=0.100s SCTP [fd00:10::1]:40001 -> [fd00:96::10]:9999 INIT}.
     */
    @Override
    public String toString()
    {
        final String v6 = ipv6() ? "[%s]" : "%s";
        return String.format(Locale.ROOT, "t=%.3fs %s " + v6 + ":%d -> " + v6 + ":%d%s", atNanos / 1e9,
            protocol == PacketTuple.PROTO_TCP ? "TCP" : protocol == PacketTuple.PROTO_UDP ? "UDP" : "SCTP", client,
            clientPort, destination, destinationPort, flagNames());
    }

    private String flagNames()
    {
        if (protocol == PacketTuple.PROTO_SCTP)
        {
            return (tcpFlags & PacketTuple.SCTP_INIT) != 0 ? " INIT" :
                (tcpFlags & PacketTuple.SCTP_ABORT) != 0 ? " ABORT" : " DATA";
        }
        if (protocol != PacketTuple.PROTO_TCP)
        {
            return "";
        }
        final StringBuilder b = new StringBuilder();
        final int[] bits = {PacketTuple.TCP_SYN, PacketTuple.TCP_FIN, PacketTuple.TCP_RST, PacketTuple.TCP_PSH,
            PacketTuple.TCP_ACK};
        final String[] names = {"SYN", "FIN", "RST", "PSH", "ACK"};
        for (int i = 0; i < bits.length; i++)
        {
            if ((tcpFlags & bits[i]) != 0)
            {
                b.append(b.length() == 0 ? " " : "|").append(names[i]);
            }
        }
        return b.toString();
    }
}
