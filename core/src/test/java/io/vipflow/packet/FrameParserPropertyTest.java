package io.vipflow.packet;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static io.vipflow.packet.ParseChecks.fields;
import static io.vipflow.packet.ParseChecks.parseBoth;
import static io.vipflow.packet.ParseChecks.parseCut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

class FrameParserPropertyTest
{
    private static final int[] LINKS =
    {
        LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW, LinkType.RAW_DLT_12,
        LinkType.RAW_DLT_14, -1 // the family's own raw link type: IPV4 or IPV6
    };
    private static final int[] ANY_LINKS =
    {
        LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW, LinkType.RAW_DLT_12,
        LinkType.RAW_DLT_14, LinkType.IPV4, LinkType.IPV6, 0, 147
    };
    private static final int[] TPIDS = {Frames.TPID_8021Q, Frames.TPID_8021AD, Frames.TPID_LEGACY_QINQ};
    private static final int[] EXTENSIONS =
    {
        Frames.EXT_HOP_BY_HOP, Frames.EXT_ROUTING, Frames.EXT_DESTINATION_OPTIONS, Frames.EXT_AH
    };

    @Test
    void validFramesParseToTheTupleTheyWereBuiltFrom()
    {
        qt().forAll(validFrames()).checkAssert(frame ->
        {
            final PacketTuple out = new PacketTuple();
            assertEquals(FrameParser.OK,
                parseBoth(frame.bytes(), 0, frame.length(), frame.length(), frame.linkType(), out));
            assertEquals(fields(frame.expected()), fields(out));
        });
    }

    @Test
    void capturesShorterThanTheHeadersAreMalformedAndLongerOnesParse()
    {
        qt().withExamples(300).forAll(validFrames()).checkAssert(frame ->
        {
            for (int captured = 0; captured <= frame.length(); captured++)
            {
                final PacketTuple out = new PacketTuple();
                final int result = parseCut(frame.bytes(), captured, frame.length(), frame.linkType(), out);
                if (captured < frame.headerLength())
                {
                    assertEquals(FrameParser.MALFORMED, result, "captured " + captured);
                }
                else
                {
                    assertEquals(FrameParser.OK, result, "captured " + captured);
                    assertEquals(fields(frame.expected()), fields(out));
                }
            }
        });
    }

    @Test
    void randomBytesAndArgumentsNeverThrow()
    {
        final Gen<byte[]> bytes = Generate.byteArrays(
            integers().between(0, 160), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte)0));
        final Gen<Integer> links = Generate.pick(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)).map(i -> ANY_LINKS[i]);
        final Gen<int[]> lengths = integers().between(-4, 170).zip(
            integers().between(-4, 170), integers().between(-4, 100), (o, c, w) -> new int[] {o, c, c + w});

        qt().withExamples(5000).forAll(bytes, links, lengths).checkAssert((frame, link, args) ->
            assertValidOutcome(frame, args[0], args[1], args[2], link));
    }

    @Test
    void mutatedAndTruncatedFramesNeverThrow()
    {
        final Gen<List<int[]>> mutations = lists()
            .of(integers().between(0, 4095).zip(integers().between(0, 255), (at, value) -> new int[] {at, value}))
            .ofSizeBetween(1, 6);
        final Gen<int[]> cuts = integers().between(0, 1000).zip(integers().between(-2, 64), (c, w) -> new int[] {c, w});

        qt().withExamples(5000).forAll(validFrames(), mutations, cuts).checkAssert((frame, changes, cut) ->
        {
            final byte[] bytes = frame.bytes().clone();
            // Aim at the headers, where every length and type field lives.
            final int span = Math.min(bytes.length, frame.headerLength() + 4);
            for (final int[] change : changes)
            {
                bytes[change[0] % span] = (byte)change[1];
            }
            final int captured = cut[0] % (bytes.length + 1);
            assertValidOutcome(bytes, 0, captured, bytes.length + cut[1], frame.linkType());
            assertValidOutcome(Arrays.copyOf(bytes, captured), 0, captured, bytes.length + cut[1], frame.linkType());
        });
    }

    private static void assertValidOutcome(
        final byte[] frame, final int offset, final int captured, final int wire, final int linkType)
    {
        final PacketTuple out = new PacketTuple();
        final int result = parseBoth(frame, offset, captured, wire, linkType, out);
        assertTrue(result >= FrameParser.OK && result <= FrameParser.UNSUPPORTED_LINK, "result " + result);
        if (FrameParser.OK == result)
        {
            assertTrue(out.protocol >= 0 && out.protocol <= 255, fields(out));
            assertTrue(out.srcPort >= 0 && out.srcPort <= 65535 && out.dstPort >= 0 && out.dstPort <= 65535);
            assertTrue(out.flags <= 0xff || out.flags == PacketTuple.SCTP_INIT || out.flags == PacketTuple.SCTP_ABORT);
            assertTrue(out.ipv6 || Addresses.isIpv4Mapped(out.srcHi, out.srcLo), fields(out));
        }
    }

    /**
     * Random valid frames: either family, TCP, UDP, SCTP or a protocol without ports, any supported link type,
     * up to two VLAN tags, IPv4 options, TCP options, up to four IPv6 extension headers, fragments, payload and
     * link-layer padding.
     */
    static Gen<Frames.Frame> validFrames()
    {
        final Gen<long[]> addresses = longs().all().zip(longs().all(), longs().all(), longs().all(),
            (a, b, c, d) -> new long[] {a, b, c, d});
        final Gen<int[]> transport = integers().between(0, 3).zip(integers().between(0, 65535),
            integers().between(0, 65535), integers().between(0, 255), (p, s, d, f) -> new int[] {p, s, d, f});
        final Gen<int[]> layout = integers().between(0, 1).zip(integers().between(0, LINKS.length - 1),
            integers().between(0, 2), integers().between(0, 10), integers().between(0, 10),
            (family, link, vlans, ipOptions, tcpOptions) -> new int[] {family, link, vlans, ipOptions, tcpOptions});
        final Gen<int[]> extras = integers().between(0, 80).zip(integers().between(0, 12),
            integers().between(0, 2), integers().between(1, 8191),
            (payload, padding, fragment, offset) -> new int[] {payload, padding, fragment, offset});
        final Gen<List<int[]>> extensions = lists()
            .of(integers().between(0, EXTENSIONS.length - 1).zip(integers().between(0, 4), (t, u) -> new int[] {t, u}))
            .ofSizeBetween(0, 4);

        return addresses.zip(transport, layout, extras.zip(extensions, (e, x) -> new Object[] {e, x}),
            FrameParserPropertyTest::build)
            .describedAs(f -> HexFormat.of().formatHex(f.bytes()) + " link=" + f.linkType() +
                " headerLength=" + f.headerLength() + " expected " + fields(f.expected()));
    }

    @SuppressWarnings("unchecked")
    private static Frames.Frame build(final long[] a, final int[] transport, final int[] layout, final Object[] more)
    {
        final int[] extras = (int[])more[0];
        final List<int[]> extensions = (List<int[]>)more[1];
        final boolean ipv6 = layout[0] == 1;
        final Frames.Builder b = ipv6 ? Frames.ipv6(a[0], a[1], a[2], a[3]) : Frames.ipv4((int)a[0], (int)a[1]);

        final int link = LINKS[layout[1]];
        b.link(-1 == link ? (ipv6 ? LinkType.IPV6 : LinkType.IPV4) : link);
        if (link == LinkType.ETHERNET || link == LinkType.LINUX_SLL || link == LinkType.LINUX_SLL2)
        {
            for (int i = 0; i < layout[2]; i++)
            {
                b.vlan(TPIDS[(transport[3] + i) % TPIDS.length]);
            }
            b.padding(link == LinkType.ETHERNET ? extras[1] : 0);
        }

        switch (transport[0])
        {
            case 0 -> b.tcp(transport[1], transport[2], transport[3]).tcpOptions(4 * layout[4]);
            case 1 -> b.udp(transport[1], transport[2]);
            case 2 -> b.sctp(transport[1], transport[2], transport[3] % 8 - 1);
            default -> b.protocol(ipv6 ? 58 : 1);
        }
        b.payload(extras[0]);

        if (ipv6)
        {
            for (final int[] e : extensions)
            {
                final int type = EXTENSIONS[e[0]];
                b.extension(type, type == Frames.EXT_AH ? (e[1] + 2) * 4 : (e[1] + 1) * 8);
            }
        }
        else
        {
            b.ipv4Options(4 * layout[3]);
        }
        if (extras[2] == 1)
        {
            b.fragment(0, true);
        }
        else if (extras[2] == 2)
        {
            b.fragment(extras[3], false);
        }

        return b.build();
    }
}
