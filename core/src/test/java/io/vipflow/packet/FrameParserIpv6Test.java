package io.vipflow.packet;

import org.junit.jupiter.api.Test;

import static io.vipflow.packet.ParseChecks.assertMalformed;
import static io.vipflow.packet.ParseChecks.parseOk;
import static io.vipflow.packet.ParseChecks.setShort;
import static io.vipflow.packet.PacketTuple.PROTO_TCP;
import static io.vipflow.packet.PacketTuple.PROTO_UDP;
import static io.vipflow.packet.PacketTuple.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameParserIpv6Test
{
    private static final String CLIENT6 = "fd00:10:244:7::21";
    private static final String VIP6 = "fd00:10:96::a";

    @Test
    void ipv6TcpAndUdpFillEveryField()
    {
        final long[] src = Addresses.parse(CLIENT6);
        final long[] dst = Addresses.parse(VIP6);
        final PacketTuple tcp = parseOk(Frames.ipv6(CLIENT6, VIP6).tcp(33000, 443, TCP_SYN).tcpOptions(20).build());

        assertEquals(PROTO_TCP, tcp.protocol);
        assertTrue(tcp.ipv6);
        assertEquals(src[0], tcp.srcHi);
        assertEquals(src[1], tcp.srcLo);
        assertEquals(dst[0], tcp.dstHi);
        assertEquals(dst[1], tcp.dstLo);
        assertEquals(33000, tcp.srcPort);
        assertEquals(443, tcp.dstPort);
        assertEquals(TCP_SYN, tcp.flags);

        final PacketTuple udp = parseOk(Frames.ipv6(CLIENT6, VIP6).udp(5353, 53).build());
        assertEquals(PROTO_UDP, udp.protocol);
        assertEquals(5353, udp.srcPort);
        assertEquals(53, udp.dstPort);
    }

    @Test
    void ipv6PayloadLengthMustFitTheWire()
    {
        final Frames.Frame frame = Frames.ipv6(CLIENT6, VIP6).tcp(1, 80, 0).build();
        setShort(frame.bytes(), frame.ipOffset() + 4, frame.length() - frame.ipOffset() - 40 + 1);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedToTheTransportHeader()
    {
        final Frames.Frame frame = Frames.ipv6(CLIENT6, VIP6)
            .extension(Frames.EXT_HOP_BY_HOP, 8)
            .extension(Frames.EXT_DESTINATION_OPTIONS, 24)
            .extension(Frames.EXT_ROUTING, 40)
            .fragment(0, true)
            .extension(Frames.EXT_AH, 24)
            .extension(Frames.EXT_DESTINATION_OPTIONS, 16)
            .tcp(40000, 80, TCP_SYN)
            .build();
        final PacketTuple t = parseOk(frame);
        assertEquals(PROTO_TCP, t.protocol);
        assertEquals(80, t.dstPort);
        assertEquals(TCP_SYN, t.flags);
    }

    @Test
    void ipv6ExtensionHeaderRunningPastTheCaptureOrPayloadIsMalformed()
    {
        final Frames.Frame frame = Frames.ipv6(CLIENT6, VIP6).extension(Frames.EXT_ROUTING, 24).udp(1, 53).build();
        final int extension = frame.ipOffset() + 40;
        assertMalformed(frame.bytes(), extension + 23, LinkType.ETHERNET);
        assertMalformed(frame.bytes(), extension + 1, LinkType.ETHERNET);

        frame.bytes()[extension + 1] = 5;
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
    }

    @Test
    void extensionChainsLongerThanTheBoundAreMalformed()
    {
        final Frames.Builder atBound = Frames.ipv6(CLIENT6, VIP6).udp(1, 53);
        final Frames.Builder beyond = Frames.ipv6(CLIENT6, VIP6).udp(1, 53);
        for (int i = 0; i < FrameParser.MAX_EXTENSION_HEADERS; i++)
        {
            atBound.extension(Frames.EXT_DESTINATION_OPTIONS, 8);
            beyond.extension(Frames.EXT_DESTINATION_OPTIONS, 8);
        }
        beyond.extension(Frames.EXT_DESTINATION_OPTIONS, 8);

        assertEquals(53, parseOk(atBound.build()).dstPort);
        assertMalformed(beyond.build().bytes(), LinkType.ETHERNET);
    }

    @Test
    void laterIpv6FragmentsHaveNoPortsAndTheFragmentsNextHeader()
    {
        final PacketTuple t = parseOk(Frames.ipv6(CLIENT6, VIP6)
            .extension(Frames.EXT_HOP_BY_HOP, 8).fragment(100, false).udp(1, 53).payload(64).build());
        assertEquals(PROTO_UDP, t.protocol);
        assertEquals(0, t.srcPort);
        assertEquals(0, t.dstPort);

        assertEquals(53, parseOk(Frames.ipv6(CLIENT6, VIP6).fragment(0, true).udp(1, 53).payload(64).build()).dstPort);
    }
}
