package io.vipflow.packet;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static io.vipflow.packet.FrameParser.MALFORMED;
import static io.vipflow.packet.FrameParser.NOT_IP;
import static io.vipflow.packet.FrameParser.OK;
import static io.vipflow.packet.FrameParser.UNSUPPORTED_LINK;
import static io.vipflow.packet.ParseChecks.assertMalformed;
import static io.vipflow.packet.ParseChecks.fields;
import static io.vipflow.packet.ParseChecks.parse;
import static io.vipflow.packet.ParseChecks.parseBoth;
import static io.vipflow.packet.ParseChecks.parseCut;
import static io.vipflow.packet.ParseChecks.parseOk;
import static io.vipflow.packet.ParseChecks.setShort;
import static io.vipflow.packet.PacketTuple.PROTO_SCTP;
import static io.vipflow.packet.PacketTuple.PROTO_TCP;
import static io.vipflow.packet.PacketTuple.PROTO_UDP;
import static io.vipflow.packet.PacketTuple.TCP_ACK;
import static io.vipflow.packet.PacketTuple.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameParserTest
{
    private static final String CLIENT = "10.244.7.21";
    private static final String VIP = "10.96.100.10";
    private static final String CLIENT6 = "fd00:10:244:7::21";
    private static final String VIP6 = "fd00:10:96::a";

    @Test
    void ipv4TcpOverEthernetFillsEveryField()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(40000, 80, TCP_SYN | TCP_ACK).payload(10).build();
        final PacketTuple t = parseOk(frame);

        assertEquals(PROTO_TCP, t.protocol);
        assertFalse(t.ipv6);
        assertEquals(0, t.srcHi);
        assertEquals(Addresses.ipv4Lo(Addresses.parseIpv4(CLIENT)), t.srcLo);
        assertEquals(0, t.dstHi);
        assertEquals(Addresses.ipv4Lo(Addresses.parseIpv4(VIP)), t.dstLo);
        assertEquals(40000, t.srcPort);
        assertEquals(80, t.dstPort);
        assertEquals(TCP_SYN | TCP_ACK, t.flags);
    }

    @Test
    void tcpFlagsAreTheWholeFlagsByte()
    {
        assertEquals(0xff, parseOk(Frames.ipv4(CLIENT, VIP).tcp(1, 2, 0xff).build()).flags);
        assertEquals(0, parseOk(Frames.ipv4(CLIENT, VIP).tcp(1, 2, 0).build()).flags);
    }

    @Test
    void ipv4UdpHasPortsAndNoFlags()
    {
        final PacketTuple t = parseOk(Frames.ipv4(CLIENT, "10.96.100.53").udp(53123, 53).payload(30).build());

        assertEquals(PROTO_UDP, t.protocol);
        assertEquals(53123, t.srcPort);
        assertEquals(53, t.dstPort);
        assertEquals(0, t.flags);
    }

    @Test
    void sctpFlagsComeFromTheFirstChunkType()
    {
        final PacketTuple init = parseOk(Frames.ipv4(CLIENT, VIP).sctp(5000, 3868, 1).build());
        assertEquals(PROTO_SCTP, init.protocol);
        assertEquals(5000, init.srcPort);
        assertEquals(3868, init.dstPort);
        assertEquals(PacketTuple.SCTP_INIT, init.flags);

        assertEquals(PacketTuple.SCTP_ABORT, parseOk(Frames.ipv4(CLIENT, VIP).sctp(1, 2, 6).build()).flags);
        assertEquals(0, parseOk(Frames.ipv4(CLIENT, VIP).sctp(1, 2, 0).payload(16).build()).flags);
        assertEquals(0, parseOk(Frames.ipv4(CLIENT, VIP).sctp(1, 2, -1).build()).flags);
    }

    @Test
    void vlanTagsOfEveryKindAreSkipped()
    {
        parseOk(Frames.ipv4(CLIENT, VIP).vlan(Frames.TPID_8021Q).tcp(1, 80, TCP_SYN).build());
        parseOk(Frames.ipv4(CLIENT, VIP).vlan(Frames.TPID_8021AD).vlan(Frames.TPID_8021Q).udp(1, 53).build());
        parseOk(Frames.ipv6(CLIENT6, VIP6).vlan(Frames.TPID_LEGACY_QINQ).vlan(Frames.TPID_8021Q).udp(1, 53).build());

        final Frames.Builder deep = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN);
        for (int i = 0; i < 8; i++)
        {
            deep.vlan(Frames.TPID_8021Q);
        }
        assertEquals(80, parseOk(deep.build()).dstPort);
    }

    @Test
    void ethernetPaddingBeyondTheIpPacketIsFine()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_ACK).padding(6).build();
        assertEquals(60, frame.length());
        parseOk(frame);
    }

    @Test
    void snapLengthCutTcpPacketStillParses()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(40000, 80, TCP_ACK).payload(1500 - 54).build();
        assertEquals(1500, frame.length());

        final PacketTuple out = new PacketTuple();
        assertEquals(OK, parseCut(frame.bytes(), 80, 1500, LinkType.ETHERNET, out));
        assertEquals(fields(frame.expected()), fields(out));
    }

    @Test
    void framesWithoutIpAreNotIp()
    {
        final PacketTuple out = new PacketTuple();
        final byte[] arp = Frames.ethernet(Frames.ETHERTYPE_ARP, 28);
        assertEquals(NOT_IP, parseBoth(arp, 0, arp.length, arp.length, LinkType.ETHERNET, out));
        final byte[] lldp = Frames.ethernet(Frames.ETHERTYPE_LLDP, 40, Frames.TPID_8021Q);
        assertEquals(NOT_IP, parseBoth(lldp, 0, lldp.length, lldp.length, LinkType.ETHERNET, out));
        final byte[] ieee8023 = Frames.ethernet(46, 46);
        assertEquals(NOT_IP, parseBoth(ieee8023, 0, ieee8023.length, ieee8023.length, LinkType.ETHERNET, out));

        final byte[] sllArp = new byte[16 + 28];
        sllArp[14] = 0x08;
        sllArp[15] = 0x06;
        assertEquals(NOT_IP, parseBoth(sllArp, 0, sllArp.length, sllArp.length, LinkType.LINUX_SLL, out));
        final byte[] sll2Arp = new byte[20 + 28];
        sll2Arp[0] = 0x08;
        sll2Arp[1] = 0x06;
        assertEquals(NOT_IP, parseBoth(sll2Arp, 0, sll2Arp.length, sll2Arp.length, LinkType.LINUX_SLL2, out));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 105, 127, 147, 192, 1000, -1})
    void unknownLinkTypesAreReportedAsUnsupported(final int linkType)
    {
        final byte[] frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).build().bytes();
        assertEquals(UNSUPPORTED_LINK, parseBoth(frame, 0, frame.length, frame.length, linkType, new PacketTuple()));
        assertEquals(UNSUPPORTED_LINK, FrameParser.parse((byte[])null, -1, -1, -1, linkType, new PacketTuple()));
    }

    @Test
    void rawIpLinkTypesTakeTheFamilyFromTheVersionNibble()
    {
        for (final int link : new int[] {LinkType.RAW, LinkType.RAW_DLT_12, LinkType.RAW_DLT_14})
        {
            assertEquals(80, parseOk(Frames.ipv4(CLIENT, VIP).link(link).tcp(1, 80, TCP_SYN).build()).dstPort);
            assertTrue(parseOk(Frames.ipv6(CLIENT6, VIP6).link(link).udp(1, 53).build()).ipv6);

            final byte[] version5 = Frames.ipv4(CLIENT, VIP).link(link).tcp(1, 80, 0).build().bytes();
            version5[0] = 0x55;
            assertMalformed(version5, link);
            assertMalformed(new byte[0], link);
        }
        assertFalse(parseOk(Frames.ipv4(CLIENT, VIP).link(LinkType.IPV4).tcp(1, 80, 0).build()).ipv6);
        assertTrue(parseOk(Frames.ipv6(CLIENT6, VIP6).link(LinkType.IPV6).tcp(1, 80, 0).build()).ipv6);
    }

    @Test
    void ipVersionMustMatchWhatTheLinkLayerAnnounced()
    {
        assertMalformed(Frames.ipv6(CLIENT6, VIP6).link(LinkType.IPV4).tcp(1, 80, 0).build().bytes(), LinkType.IPV4);
        assertMalformed(Frames.ipv4(CLIENT, VIP).link(LinkType.IPV6).tcp(1, 80, 0).payload(40).build().bytes(),
            LinkType.IPV6);

        final Frames.Frame v4 = Frames.ipv4(CLIENT, VIP).tcp(1, 80, 0).build();
        v4.bytes()[v4.ipOffset()] = 0x65;
        assertMalformed(v4.bytes(), LinkType.ETHERNET);
    }

    @Test
    void linuxCookedCapturesParse()
    {
        final Frames.Frame sll = Frames.ipv4(CLIENT, VIP).link(LinkType.LINUX_SLL).tcp(1, 80, TCP_SYN).build();
        assertEquals(16, sll.ipOffset());
        parseOk(sll);
        parseOk(Frames.ipv6(CLIENT6, VIP6).link(LinkType.LINUX_SLL).vlan(Frames.TPID_8021Q).udp(1, 53).build());

        final Frames.Frame sll2 = Frames.ipv6(CLIENT6, VIP6).link(LinkType.LINUX_SLL2).tcp(1, 80, TCP_SYN).build();
        assertEquals(20, sll2.ipOffset());
        parseOk(sll2);
        parseOk(Frames.ipv4(CLIENT, VIP).link(LinkType.LINUX_SLL2).udp(1, 53).build());
    }

    @Test
    void truncatedLinkHeadersAreMalformed()
    {
        final byte[] ethernet = Frames.ipv4(CLIENT, VIP).tcp(1, 80, 0).build().bytes();
        assertMalformed(ethernet, 13, LinkType.ETHERNET);

        final byte[] tagged = Frames.ipv4(CLIENT, VIP).vlan(Frames.TPID_8021Q).tcp(1, 80, 0).build().bytes();
        assertMalformed(tagged, 14 + 3, LinkType.ETHERNET);
        assertMalformed(tagged, 14, LinkType.ETHERNET);

        final byte[] sll = Frames.ipv4(CLIENT, VIP).link(LinkType.LINUX_SLL).tcp(1, 80, 0).build().bytes();
        assertMalformed(sll, 15, LinkType.LINUX_SLL);
        final byte[] sll2 = Frames.ipv4(CLIENT, VIP).link(LinkType.LINUX_SLL2).tcp(1, 80, 0).build().bytes();
        assertMalformed(sll2, 19, LinkType.LINUX_SLL2);
    }

    @Test
    void ipv4HeaderLengthBelowFiveIsMalformed()
    {
        for (final int ihl : new int[] {0, 1, 4})
        {
            final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, 0).build();
            frame.bytes()[frame.ipOffset()] = (byte)(0x40 | ihl);
            assertMalformed(frame.bytes(), LinkType.ETHERNET);
        }
    }

    @Test
    void ipv4OptionsAreSkippedAndMustBeCaptured()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).ipv4Options(40).tcp(1, 80, TCP_SYN).build();
        assertEquals(80, parseOk(frame).dstPort);
        assertMalformed(frame.bytes(), frame.ipOffset() + 59, LinkType.ETHERNET);
    }

    @Test
    void ipv4TotalLengthMustFitTheWireAndCoverTheHeader()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, 0).payload(20).build();
        final int totalLength = frame.length() - frame.ipOffset();
        setShort(frame.bytes(), frame.ipOffset() + 2, totalLength + 1);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);

        setShort(frame.bytes(), frame.ipOffset() + 2, 19);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
    }

    @Test
    void laterIpv4FragmentsHaveNoPorts()
    {
        final PacketTuple t =
            parseOk(Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).fragment(185, true).payload(8).build());
        assertEquals(PROTO_TCP, t.protocol);
        assertEquals(0, t.srcPort);
        assertEquals(0, t.dstPort);
        assertEquals(0, t.flags);

        final PacketTuple first = parseOk(Frames.ipv4(CLIENT, VIP).udp(5, 53).fragment(0, true).payload(1400).build());
        assertEquals(53, first.dstPort);
    }

    @Test
    void tcpDataOffsetMustBeAtLeastFiveAndWithinThePayload()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).build();
        frame.bytes()[frame.transportOffset() + 12] = 0x40;
        assertMalformed(frame.bytes(), LinkType.ETHERNET);

        final Frames.Frame withPayload = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).payload(8).build();
        withPayload.bytes()[withPayload.transportOffset() + 12] = 0x70;
        assertEquals(OK, parse(withPayload.bytes(), LinkType.ETHERNET));
        withPayload.bytes()[withPayload.transportOffset() + 12] = (byte)0x80;
        assertMalformed(withPayload.bytes(), LinkType.ETHERNET);

        final Frames.Frame intact = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).build();
        assertMalformed(intact.bytes(), intact.transportOffset() + 13, LinkType.ETHERNET);
        assertEquals(OK, parseCut(intact.bytes(), intact.transportOffset() + 14, intact.length(),
            LinkType.ETHERNET, new PacketTuple()));
    }

    @Test
    void udpLengthMustCoverItsHeaderAndFitThePayload()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).udp(1, 53).payload(10).build();
        final int udpLength = frame.transportOffset() + 4;
        setShort(frame.bytes(), udpLength, 19);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
        setShort(frame.bytes(), udpLength, 7);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
        setShort(frame.bytes(), udpLength, 0);
        assertMalformed(frame.bytes(), LinkType.ETHERNET);
        setShort(frame.bytes(), udpLength, 8);
        assertEquals(OK, parse(frame.bytes(), LinkType.ETHERNET));

        assertMalformed(frame.bytes(), frame.transportOffset() + 7, LinkType.ETHERNET);
    }

    @Test
    void sctpHeadersMustBeCapturedAndFitThePayload()
    {
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).sctp(1, 2, 1).build();
        assertMalformed(frame.bytes(), frame.transportOffset() + 12, LinkType.ETHERNET);
        assertMalformed(frame.bytes(), frame.transportOffset() + 11, LinkType.ETHERNET);

        final Frames.Frame noChunk = Frames.ipv4(CLIENT, VIP).sctp(1, 2, -1).build();
        setShort(noChunk.bytes(), noChunk.ipOffset() + 2, 20 + 11);
        assertMalformed(noChunk.bytes(), LinkType.ETHERNET);
    }

    @Test
    void otherProtocolsParseWithoutPorts()
    {
        for (final int protocol : new int[] {1, 47, 50, 51, 112})
        {
            final PacketTuple t = parseOk(Frames.ipv4(CLIENT, VIP).protocol(protocol).payload(8).build());
            assertEquals(protocol, t.protocol);
            assertEquals(0, t.srcPort + t.dstPort + t.flags);
        }
        for (final int nextHeader : new int[] {50, 58, 59})
        {
            final PacketTuple t = parseOk(Frames.ipv6(CLIENT6, VIP6).protocol(nextHeader).payload(8).build());
            assertEquals(nextHeader, t.protocol);
            assertEquals(0, t.srcPort + t.dstPort + t.flags);
        }
    }

    @Test
    void offsetAndLengthArgumentsAreValidated()
    {
        final byte[] frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, 0).build().bytes();
        final int n = frame.length;
        final PacketTuple out = new PacketTuple();
        final int link = LinkType.ETHERNET;

        assertEquals(MALFORMED, parseBoth(frame, -1, n, n, link, out));
        assertEquals(MALFORMED, parseBoth(frame, 0, -1, n, link, out));
        assertEquals(MALFORMED, parseBoth(frame, 0, n + 1, n + 1, link, out));
        assertEquals(MALFORMED, parseBoth(frame, 1, n, n, link, out));
        assertEquals(MALFORMED, parseBoth(frame, n + 1, 0, 0, link, out));
        assertEquals(MALFORMED, parseBoth(frame, 0, n, n - 1, link, out));
        assertEquals(MALFORMED, parseBoth(frame, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, link, out));
        assertEquals(MALFORMED, parseBoth(frame, 1, Integer.MAX_VALUE, Integer.MAX_VALUE, link, out));
        assertEquals(MALFORMED, FrameParser.parse((byte[])null, 0, 0, 0, link, out));
        assertEquals(MALFORMED, FrameParser.parse((DirectBuffer)null, 0, 0, 0, link, out));
    }

    @Test
    void framesAtAnOffsetInsideALargerBufferParse()
    {
        final Frames.Frame frame = Frames.ipv6(CLIENT6, VIP6).extension(Frames.EXT_AH, 16).tcp(9, 80, TCP_ACK).build();
        final byte[] larger = new byte[frame.length() + 100];
        java.util.Arrays.fill(larger, (byte)0x86);
        System.arraycopy(frame.bytes(), 0, larger, 37, frame.length());

        final PacketTuple out = new PacketTuple();
        assertEquals(OK, parseBoth(larger, 37, frame.length(), frame.length(), LinkType.ETHERNET, out));
        assertEquals(fields(frame.expected()), fields(out));

        final ByteBuffer direct = ByteBuffer.allocateDirect(larger.length).put(larger);
        final PacketTuple fromDirect = new PacketTuple();
        assertEquals(OK, FrameParser.parse(
            new UnsafeBuffer(direct), 37, frame.length(), frame.length(), LinkType.ETHERNET, fromDirect));
        assertEquals(fields(frame.expected()), fields(fromDirect));
    }

    @Test
    void tupleIsLeftUntouchedUnlessTheResultIsOk()
    {
        final PacketTuple out = new PacketTuple().setIpv4(PROTO_UDP, 1, 2, 3, 4, 5);
        final String before = fields(out);
        final Frames.Frame frame = Frames.ipv4(CLIENT, VIP).tcp(1, 80, TCP_SYN).build();
        frame.bytes()[frame.transportOffset() + 12] = 0x10;

        assertEquals(MALFORMED, parseBoth(frame.bytes(), 0, frame.length(), frame.length(), LinkType.ETHERNET, out));
        final byte[] arp = Frames.ethernet(Frames.ETHERTYPE_ARP, 28);
        assertEquals(NOT_IP, parseBoth(arp, 0, arp.length, arp.length, LinkType.ETHERNET, out));
        assertEquals(UNSUPPORTED_LINK, parseBoth(arp, 0, arp.length, arp.length, 9999, out));
        assertEquals(before, fields(out));
    }
}
