package io.vipflow.testkit;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import java.util.Locale;
import java.util.Objects;

/**
 * One IPv4 packet from a client to a Service address, as a workload sends it to the proxy under test.
 * <p>
 * Thread contract: immutable.
 *
 * @param atNanos         when it arrives, nanoseconds from the start of the workload.
 * @param protocol        {@link PacketTuple#PROTO_TCP} or {@link PacketTuple#PROTO_UDP}.
 * @param client          the client's IPv4 address, dotted.
 * @param clientPort      the client's port.
 * @param destination     the address the client sent to (a ClusterIP, node or load-balancer address), dotted.
 * @param destinationPort the port the client sent to.
 * @param tcpFlags        TCP flags ({@link PacketTuple#TCP_SYN}, ...); 0 for UDP.
 */
public record Packet(long atNanos, int protocol, String client, int clientPort, String destination,
    int destinationPort, int tcpFlags)
{
    private static final byte[] NO_PAYLOAD = new byte[0];

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the protocol is neither TCP nor UDP, or the time is negative.
     */
    public Packet
    {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(destination, "destination");
        if (protocol != PacketTuple.PROTO_TCP && protocol != PacketTuple.PROTO_UDP)
        {
            throw new IllegalArgumentException("protocol " + protocol + " is neither TCP nor UDP");
        }
        if (atNanos < 0)
        {
            throw new IllegalArgumentException("time " + atNanos + " is negative");
        }
    }

    /**
     * Writes this packet into a tuple, as {@code FrameParser} would parse its frame.
     *
     * @param t the tuple to fill.
     * @return {@code t}.
     */
    public PacketTuple toTuple(final PacketTuple t)
    {
        return t.setIpv4(protocol, Addresses.parseIpv4(client), clientPort, Addresses.parseIpv4(destination),
            destinationPort, tcpFlags);
    }

    /**
     * This packet as a whole Ethernet II / IPv4 frame with valid checksums and no payload, for a proxy that takes
     * frames ({@code Classifier.classifyFrame} with {@code LinkType.ETHERNET}).
     *
     * @return a new array holding the frame.
     */
    public byte[] toFrame()
    {
        final int src = Addresses.parseIpv4(client);
        final int dst = Addresses.parseIpv4(destination);
        return protocol == PacketTuple.PROTO_TCP ?
            Frames.tcp(src, clientPort, dst, destinationPort, tcpFlags, 1, 1, NO_PAYLOAD) :
            Frames.udp(src, clientPort, dst, destinationPort, NO_PAYLOAD);
    }

    /**
     * @return {@code t=1.250s TCP 10.0.0.1:40000 -> 10.96.0.10:80 SYN}.
     */
    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "t=%.3fs %s %s:%d -> %s:%d%s", atNanos / 1e9,
            protocol == PacketTuple.PROTO_TCP ? "TCP" : "UDP", client, clientPort, destination, destinationPort,
            flagNames());
    }

    private String flagNames()
    {
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
