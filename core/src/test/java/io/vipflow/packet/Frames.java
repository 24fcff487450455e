package io.vipflow.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds captured frames byte by byte for parser tests, together with what a correct parser must report: the
 * tuple and how many leading bytes it needs. Checksums are left at zero since nothing here verifies them.
 */
final class Frames
{
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_LLDP = 0x88cc;
    static final int TPID_8021Q = 0x8100;
    static final int TPID_8021AD = 0x88a8;
    static final int TPID_LEGACY_QINQ = 0x9100;

    static final int EXT_HOP_BY_HOP = 0;
    static final int EXT_ROUTING = 43;
    static final int EXT_FRAGMENT = 44;
    static final int EXT_AH = 51;
    static final int EXT_DESTINATION_OPTIONS = 60;

    /** Filler for payloads and options: not a chunk type the parser treats specially. */
    static final byte FILL = (byte)0xab;

    private Frames()
    {
    }

    /**
     * A built frame.
     *
     * @param bytes           the whole frame; its length is the wire length.
     * @param ipOffset        where the IP header starts.
     * @param transportOffset where the transport header starts (after IPv6 extension headers).
     * @param headerLength    leading bytes the parser needs; any shorter capture is malformed.
     * @param expected        the tuple a correct parse yields.
     */
    record Frame(byte[] bytes, int linkType, int ipOffset, int transportOffset, int headerLength,
        PacketTuple expected)
    {
        int length()
        {
            return bytes.length;
        }
    }

    static Builder ipv4(final String src, final String dst)
    {
        return new Builder(false, 0, Addresses.ipv4Lo(Addresses.parseIpv4(src)), 0,
            Addresses.ipv4Lo(Addresses.parseIpv4(dst)));
    }

    static Builder ipv4(final int src, final int dst)
    {
        return new Builder(false, 0, Addresses.ipv4Lo(src), 0, Addresses.ipv4Lo(dst));
    }

    static Builder ipv6(final String src, final String dst)
    {
        final long[] s = Addresses.parse(src);
        final long[] d = Addresses.parse(dst);
        return new Builder(true, s[0], s[1], d[0], d[1]);
    }

    static Builder ipv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return new Builder(true, srcHi, srcLo, dstHi, dstLo);
    }

    /** An Ethernet frame with the given EtherType and payload, optionally behind VLAN tags. */
    static byte[] ethernet(final int etherType, final int payloadLength, final int... tpids)
    {
        final ByteBuffer b = ByteBuffer.allocate(14 + 4 * tpids.length + payloadLength);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (final int tpid : tpids)
        {
            b.putShort((short)tpid).putShort((short)100);
        }
        b.putShort((short)etherType);
        return b.array();
    }

    static final class Builder
    {
        private final boolean ipv6;
        private final long srcHi;
        private final long srcLo;
        private final long dstHi;
        private final long dstLo;
        private int linkType = LinkType.ETHERNET;
        private final List<Integer> tpids = new ArrayList<>();
        private int protocol = PacketTuple.PROTO_TCP;
        private boolean hasTransportHeader = true;
        private int srcPort;
        private int dstPort;
        private int tcpFlags;
        private int sctpChunkType = -1;
        private int tcpOptionsLength;
        private int ipv4OptionsLength;
        private int payloadLength;
        private int paddingLength;
        private int ipv4FragmentField;
        /** IPv6 extension headers in order, each {type, length in bytes, fragment field}. */
        private final List<int[]> extensions = new ArrayList<>();
        /** Set while writing: where a later fragment's Fragment header ends, and the next header it names. */
        private int laterFragmentEnd = -1;
        private int laterFragmentNext;

        private Builder(final boolean ipv6, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
        {
            this.ipv6 = ipv6;
            this.srcHi = srcHi;
            this.srcLo = srcLo;
            this.dstHi = dstHi;
            this.dstLo = dstLo;
        }

        Builder link(final int linkType)
        {
            this.linkType = linkType;
            return this;
        }

        /** Adds a VLAN tag inside those already added. */
        Builder vlan(final int tpid)
        {
            tpids.add(tpid);
            return this;
        }

        Builder tcp(final int srcPort, final int dstPort, final int flags)
        {
            return transport(PacketTuple.PROTO_TCP, srcPort, dstPort, flags);
        }

        Builder udp(final int srcPort, final int dstPort)
        {
            return transport(PacketTuple.PROTO_UDP, srcPort, dstPort, 0);
        }

        /** An SCTP common header followed by one chunk of the given type, or by no chunk when it is negative. */
        Builder sctp(final int srcPort, final int dstPort, final int chunkType)
        {
            sctpChunkType = chunkType;
            return transport(PacketTuple.PROTO_SCTP, srcPort, dstPort, 0);
        }

        /** Any protocol number, written with no transport header: the payload follows the IP headers. */
        Builder protocol(final int protocol)
        {
            this.protocol = protocol;
            this.hasTransportHeader = false;
            return this;
        }

        Builder payload(final int length)
        {
            payloadLength = length;
            return this;
        }

        Builder tcpOptions(final int length)
        {
            tcpOptionsLength = length;
            return this;
        }

        Builder ipv4Options(final int length)
        {
            ipv4OptionsLength = length;
            return this;
        }

        /** Link-layer trailer beyond the IP packet, as Ethernet adds to short frames. */
        Builder padding(final int length)
        {
            paddingLength = length;
            return this;
        }

        /** An IPv6 extension header of the given total length in bytes. */
        Builder extension(final int type, final int length)
        {
            extensions.add(new int[] {type, length, 0});
            return this;
        }

        /**
         * Marks the packet a fragment: the IPv4 header's fields, or an IPv6 Fragment header after the extension
         * headers added so far. A non-zero offset means a later fragment, written without a transport header.
         */
        Builder fragment(final int offsetUnits, final boolean more)
        {
            final int field = offsetUnits << 3 | (more ? 1 : 0);
            if (ipv6)
            {
                extensions.add(new int[] {EXT_FRAGMENT, 8, field});
            }
            else
            {
                ipv4FragmentField = (more ? 0x2000 : 0) | offsetUnits;
            }
            return this;
        }

        /** Builds once: the builder records positions while writing. */
        Frame build()
        {
            final boolean laterFragment = ipv6 ?
                extensions.stream().anyMatch(e -> e[0] == EXT_FRAGMENT && (e[2] >>> 3) != 0) :
                (ipv4FragmentField & 0x1fff) != 0;
            final byte[] transport = transportBytes(laterFragment);
            final int required = laterFragment || !hasTransportHeader ? 0 : requiredTransportBytes(transport);

            final ByteBuffer b = ByteBuffer.allocate(2048);
            final int firstType = tpids.isEmpty() ? (ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4) : tpids.get(0);
            switch (linkType)
            {
                case LinkType.ETHERNET:
                    b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short)firstType);
                    break;
                case LinkType.LINUX_SLL:
                    b.putShort((short)0).putShort((short)1).putShort((short)6)
                        .put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0}).putShort((short)firstType);
                    break;
                case LinkType.LINUX_SLL2:
                    b.putShort((short)firstType).putShort((short)0).putInt(3).putShort((short)1)
                        .put((byte)0).put((byte)6).put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0});
                    break;
                default:
                    if (!tpids.isEmpty())
                    {
                        throw new IllegalStateException("raw IP has no VLAN tags");
                    }
                    break;
            }
            for (int i = 0; i < tpids.size(); i++)
            {
                final int inner = i + 1 < tpids.size() ? tpids.get(i + 1) : ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
                b.putShort((short)(0x2000 | (10 + i))).putShort((short)inner);
            }

            final int ipOffset = b.position();
            if (ipv6)
            {
                putIpv6(b, transport);
            }
            else
            {
                putIpv4(b, transport);
            }
            final int transportOffset = b.position();
            b.put(transport);
            for (int i = 0; i < paddingLength; i++)
            {
                b.put((byte)0);
            }

            final byte[] bytes = new byte[b.position()];
            b.flip().get(bytes);
            final int flags = !hasTransportHeader || laterFragment ? 0 : expectedFlags(transport);
            final int ports = hasTransportHeader && !laterFragment ? 1 : 0;
            final int expectedProtocol = ipv6 && laterFragment ? laterFragmentNext : protocol;
            final PacketTuple expected = new PacketTuple().set(expectedProtocol, ipv6, srcHi, srcLo,
                srcPort * ports, dstHi, dstLo, dstPort * ports, flags);

            // A later IPv6 fragment is parsed no further than its Fragment header.
            final int headerLength = ipv6 && laterFragment ? laterFragmentEnd : transportOffset + required;
            return new Frame(bytes, linkType, ipOffset, transportOffset, headerLength, expected);
        }

        private Builder transport(final int protocol, final int srcPort, final int dstPort, final int flags)
        {
            this.protocol = protocol;
            this.hasTransportHeader = true;
            this.srcPort = srcPort;
            this.dstPort = dstPort;
            this.tcpFlags = flags;
            return this;
        }

        private byte[] transportBytes(final boolean laterFragment)
        {
            final ByteBuffer b = ByteBuffer.allocate(100 + tcpOptionsLength + payloadLength);
            if (hasTransportHeader && !laterFragment)
            {
                switch (protocol)
                {
                    case PacketTuple.PROTO_TCP:
                        b.putShort((short)srcPort).putShort((short)dstPort).putInt(1000).putInt(2000)
                            .put((byte)((20 + tcpOptionsLength) / 4 << 4)).put((byte)tcpFlags)
                            .putShort((short)65535).putInt(0);
                        fill(b, tcpOptionsLength);
                        break;
                    case PacketTuple.PROTO_UDP:
                        b.putShort((short)srcPort).putShort((short)dstPort).putShort((short)(8 + payloadLength))
                            .putShort((short)0);
                        break;
                    default:
                        b.putShort((short)srcPort).putShort((short)dstPort).putInt(0x1234_5678).putInt(0);
                        if (sctpChunkType >= 0)
                        {
                            b.put((byte)sctpChunkType).put((byte)0).putShort((short)4);
                        }
                        break;
                }
            }
            fill(b, payloadLength);
            final byte[] bytes = new byte[b.position()];
            b.flip().get(bytes);
            return bytes;
        }

        private int requiredTransportBytes(final byte[] transport)
        {
            switch (protocol)
            {
                case PacketTuple.PROTO_TCP:
                    return 14;
                case PacketTuple.PROTO_UDP:
                    return 8;
                default:
                    return transport.length > 12 ? 13 : 12;
            }
        }

        private int expectedFlags(final byte[] transport)
        {
            switch (protocol)
            {
                case PacketTuple.PROTO_TCP:
                    return tcpFlags & 0xff;
                case PacketTuple.PROTO_SCTP:
                    final int chunk = transport.length > 12 ? transport[12] & 0xff : -1;
                    return chunk == 1 ? PacketTuple.SCTP_INIT : chunk == 6 ? PacketTuple.SCTP_ABORT : 0;
                default:
                    return 0;
            }
        }

        private void putIpv4(final ByteBuffer b, final byte[] transport)
        {
            final int headerLength = 20 + ipv4OptionsLength;
            b.put((byte)(0x40 | headerLength / 4)).put((byte)0).putShort((short)(headerLength + transport.length))
                .putShort((short)0x4242).putShort((short)ipv4FragmentField)
                .put((byte)64).put((byte)protocol).putShort((short)0)
                .putInt((int)srcLo).putInt((int)dstLo);
            fill(b, ipv4OptionsLength);
        }

        private void putIpv6(final ByteBuffer b, final byte[] transport)
        {
            int extensionsLength = 0;
            for (final int[] e : extensions)
            {
                extensionsLength += e[1];
            }
            b.putInt(0x6000_0000).putShort((short)(extensionsLength + transport.length))
                .put((byte)(extensions.isEmpty() ? protocol : extensions.get(0)[0])).put((byte)64)
                .putLong(srcHi).putLong(srcLo).putLong(dstHi).putLong(dstLo);
            for (int i = 0; i < extensions.size(); i++)
            {
                final int[] e = extensions.get(i);
                final int next = i + 1 < extensions.size() ? extensions.get(i + 1)[0] : protocol;
                b.put((byte)next);
                switch (e[0])
                {
                    case EXT_FRAGMENT:
                        b.put((byte)0).putShort((short)e[2]).putInt(0x0bad_cafe);
                        if ((e[2] >>> 3) != 0 && laterFragmentEnd < 0)
                        {
                            laterFragmentEnd = b.position();
                            laterFragmentNext = next;
                        }
                        break;
                    case EXT_AH:
                        b.put((byte)(e[1] / 4 - 2));
                        fill(b, e[1] - 2);
                        break;
                    default:
                        b.put((byte)(e[1] / 8 - 1));
                        fill(b, e[1] - 2);
                        break;
                }
            }
        }

        private static void fill(final ByteBuffer b, final int length)
        {
            for (int i = 0; i < length; i++)
            {
                b.put(FILL);
            }
        }
    }
}
