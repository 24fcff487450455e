package io.vipflow.packet;

import org.agrona.DirectBuffer;

import static io.vipflow.packet.FrameBytes.i32;
import static io.vipflow.packet.FrameBytes.i64;
import static io.vipflow.packet.FrameBytes.u16;
import static io.vipflow.packet.FrameBytes.u8;

/**
 * Extracts the {@link PacketTuple} of a captured frame: link header (see {@link LinkType}), IPv4 or IPv6 with
 * options and extension headers, then the ports and flags of TCP, UDP or SCTP.
 * <p>
 * Result codes:
 * <ul>
 *     <li>{@link #OK}: the tuple is filled. Any IP protocol is accepted; ports and flags are 0 when the protocol
 *     is not TCP, UDP or SCTP, and also for a non-first fragment, which carries no transport header (it cannot
 *     match a Service port, so the caller passes it). The protocol of a non-first IPv6 fragment is the Fragment
 *     header's next header.</li>
 *     <li>{@link #NOT_IP}: a well-formed link header carrying something other than IP (ARP, LLDP...).</li>
 *     <li>{@link #MALFORMED}: a header the tuple needs is cut by the capture, or lengths disagree.</li>
 *     <li>{@link #UNSUPPORTED_LINK}: the link type is not one {@link LinkType#isSupported} knows; reported before
 *     anything else is looked at.</li>
 * </ul>
 * Every header the tuple depends on must lie within {@code capturedLength}: the link header with its VLAN tags,
 * the IP header with options, IPv6 extension headers up to the transport header, 14 bytes of TCP (up to the
 * flags byte), the whole 8-byte UDP header (its length field is checked), and for SCTP the 12-byte common header
 * plus the first chunk's type when the IP payload holds a chunk. Length fields are checked against
 * {@code wireLength}, so a capture cut by a snap length parses as long as those headers are present. A UDP length
 * of 0, legal only inside an IPv6 jumbogram, is reported as malformed: jumbograms never reach a Service.
 * <p>
 * {@code out} is written only when the result is {@link #OK}; it must not be null. Anything else about the input
 * (null or short buffer, negative or out-of-range offset and lengths, hostile header chains) yields a result code,
 * never an exception.
 * <p>
 * Thread contract: stateless and allocation-free; any thread may call it concurrently, each with its own
 * {@code out}.
 */
public final class FrameParser
{
    /** The tuple is filled. */
    public static final int OK = 0;
    /** A well-formed frame that carries neither IPv4 nor IPv6: not ours to classify. */
    public static final int NOT_IP = 1;
    /** Truncated or inconsistent headers. */
    public static final int MALFORMED = 2;
    /** The link type is not supported. */
    public static final int UNSUPPORTED_LINK = 3;

    /** IPv6 extension headers walked before the packet is deemed hostile; real traffic uses two or three. */
    public static final int MAX_EXTENSION_HEADERS = 16;

    /*
     * Ethernet II, then zero or more VLAN tags, each sitting where the EtherType was:
     * +-------------+-------------+----------+        +---------+----------------+
     * | dst MAC (6) | src MAC (6) | type (2) |  tag:  | TCI (2) | inner type (2) |
     * +-------------+-------------+----------+        +---------+----------------+
     */
    private static final int ETHERNET_TYPE_OFFSET = 12;
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int VLAN_INNER_TYPE_OFFSET = 2;
    private static final int VLAN_TAG_LENGTH = 4;

    /*
     * Linux cooked v1:
     * +--------------+------------+--------------+-------------+--------------+
     * | pkt type (2) | ARPHRD (2) | addr len (2) | address (8) | protocol (2) |
     * +--------------+------------+--------------+-------------+--------------+
     * Linux cooked v2:
     * +--------------+--------------+-------------+------------+--------------+--------------+-------------+
     * | protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) | addr len (1) | address (8) |
     * +--------------+--------------+-------------+------------+--------------+--------------+-------------+
     */
    private static final int SLL_PROTOCOL_OFFSET = 14;
    private static final int SLL_HEADER_LENGTH = 16;
    private static final int SLL2_PROTOCOL_OFFSET = 0;
    private static final int SLL2_HEADER_LENGTH = 20;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;

    /*
     * IPv4:
     * +-----------+-----------+-------------------------------------+
     * | ver | IHL | TOS       | total length (2)                    |
     * | identification (2)    | flags (3) | fragment offset (13)    |
     * | TTL       | protocol  | checksum (2)                        |
     * | source address (4)                                          |
     * | destination address (4)                                     |
     * | options ((IHL - 5) * 4)                                     |
     * +-------------------------------------------------------------+
     */
    private static final int IPV4_VERSION_IHL_OFFSET = 0;
    private static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
    private static final int IPV4_FRAGMENT_OFFSET = 6;
    private static final int IPV4_PROTOCOL_OFFSET = 9;
    private static final int IPV4_SRC_OFFSET = 12;
    private static final int IPV4_DST_OFFSET = 16;
    private static final int IPV4_MIN_HEADER_LENGTH = 20;
    private static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;

    /*
     * IPv6:
     * +-------------------------------------------+----------------------+--------------+---------------+
     * | version (4) | class (8) | flow label (20) | payload length (2)   | next hdr (1) | hop limit (1) |
     * | source address (16)                     | destination address (16)                            |
     * +-------------------------------------------+-----------------------------------------------------+
     * Extension headers all start with next header (1) and length (1). Hop-by-Hop, Routing and Destination
     * Options count 8-byte units beyond the first 8; AH counts 4-byte units beyond the first 8. Fragment is
     * always 8 bytes:
     * +--------------+--------------+--------------------------------------+--------------------+
     * | next hdr (1) | reserved (1) | fragment offset (13) | res (2) | M (1) | identification (4) |
     * +--------------+--------------+--------------------------------------+--------------------+
     */
    private static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
    private static final int IPV6_NEXT_HEADER_OFFSET = 6;
    private static final int IPV6_SRC_OFFSET = 8;
    private static final int IPV6_DST_OFFSET = 24;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int EXT_NEXT_HEADER_OFFSET = 0;
    private static final int EXT_LENGTH_OFFSET = 1;
    private static final int EXT_MIN_LENGTH = 2;
    private static final int FRAGMENT_OFFSET_OFFSET = 2;
    private static final int FRAGMENT_HEADER_LENGTH = 8;

    private static final int NEXT_HOP_BY_HOP = 0;
    private static final int NEXT_ROUTING = 43;
    private static final int NEXT_FRAGMENT = 44;
    private static final int NEXT_AH = 51;
    private static final int NEXT_DESTINATION_OPTIONS = 60;

    private FrameParser()
    {
    }

    /**
     * Parses the frame at {@code buffer[offset, offset + capturedLength)}.
     *
     * @param buffer         holds the captured bytes.
     * @param offset         index of the frame's first byte.
     * @param capturedLength bytes of the frame present in the buffer.
     * @param wireLength     length of the frame on the wire, at least {@code capturedLength}.
     * @param linkType       pcap {@code LINKTYPE_} number, see {@link LinkType}.
     * @param out            receives the tuple, written only when the result is {@link #OK}.
     * @return {@link #OK}, {@link #NOT_IP}, {@link #MALFORMED} or {@link #UNSUPPORTED_LINK}.
     */
    public static int parse(
        final DirectBuffer buffer, final int offset, final int capturedLength, final int wireLength, final int linkType,
        final PacketTuple out)
    {
        if (!LinkType.isSupported(linkType))
        {
            return UNSUPPORTED_LINK;
        }
        if (null == buffer)
        {
            return MALFORMED;
        }

        // An Agrona buffer is a base object (its array, or null for direct memory) and an address offset, as Unsafe
        // takes them: FrameBytes reads through them, within the bounds parseFrame proves against capacity.
        return parseFrame(buffer.byteArray(), buffer.addressOffset(), buffer.capacity(), offset, capturedLength,
            wireLength, linkType, out);
    }

    /**
     * Parses the frame at {@code frame[offset, offset + capturedLength)}, exactly as
     * {@link #parse(DirectBuffer, int, int, int, int, PacketTuple)} does and without wrapping the array.
     *
     * @param frame          holds the captured bytes.
     * @param offset         index of the frame's first byte.
     * @param capturedLength bytes of the frame present in the array.
     * @param wireLength     length of the frame on the wire, at least {@code capturedLength}.
     * @param linkType       pcap {@code LINKTYPE_} number, see {@link LinkType}.
     * @param out            receives the tuple, written only when the result is {@link #OK}.
     * @return {@link #OK}, {@link #NOT_IP}, {@link #MALFORMED} or {@link #UNSUPPORTED_LINK}.
     */
    public static int parse(
        final byte[] frame, final int offset, final int capturedLength, final int wireLength, final int linkType,
        final PacketTuple out)
    {
        if (!LinkType.isSupported(linkType))
        {
            return UNSUPPORTED_LINK;
        }
        if (null == frame)
        {
            return MALFORMED;
        }

        return parseFrame(frame, FrameBytes.ARRAY_BASE, frame.length, offset, capturedLength, wireLength, linkType,
            out);
    }

    /**
     * The frame's bytes are {@code [address + offset, address + offset + capturedLength)} of {@code base}, of which
     * {@code [address, address + capacity)} exist: the first test below proves the frame lies inside them, and
     * every read after it is preceded by a test of the bytes it reads against {@code end}, so the reads need no
     * check of their own (FrameBytes).
     */
    private static int parseFrame(
        final Object base, final long address, final int capacity, final int offset,
        final int capturedLength, final int wireLength, final int linkType, final PacketTuple out)
    {
        if (offset < 0 || capturedLength < 0 || capturedLength > capacity - offset || wireLength < capturedLength)
        {
            return MALFORMED;
        }

        final int end = offset + capturedLength;
        int cursor;
        int etherType;
        if (LinkType.ETHERNET == linkType && capturedLength >= ETHERNET_HEADER_LENGTH)
        {
            // The common case first, in few bytecodes, so that the whole parse inlines into its caller.
            etherType = u16(base, address, offset + ETHERNET_TYPE_OFFSET);
            cursor = offset + ETHERNET_HEADER_LENGTH;
        }
        else
        {
            final long link = linkHeader(base, address, offset, capturedLength, linkType);
            if (link < 0)
            {
                return (int)-link;
            }
            etherType = (int)(link >>> 32);
            cursor = (int)link;
        }

        if (ETHERTYPE_IPV4 == etherType)
        {
            // The wire length less the link header bounds the IP packet (Ethernet pads short frames).
            return parseIpv4(base, address, cursor, end, wireLength - (cursor - offset), out);
        }
        return parseTagged(base, address, offset, cursor, end, wireLength, etherType, out);
    }

    /**
     * The link header of every link type: {@code etherType << 32 | cursor} (the offset just past the header), or
     * minus {@link #MALFORMED} or {@link #UNSUPPORTED_LINK}.
     */
    private static long linkHeader(
        final Object base, final long address, final int offset, final int capturedLength, final int linkType)
    {
        final int headerLength;
        final int etherType;
        switch (linkType)
        {
            case LinkType.ETHERNET:
                if (capturedLength < ETHERNET_HEADER_LENGTH)
                {
                    return -MALFORMED;
                }
                etherType = u16(base, address, offset + ETHERNET_TYPE_OFFSET);
                headerLength = ETHERNET_HEADER_LENGTH;
                break;

            case LinkType.LINUX_SLL:
                if (capturedLength < SLL_HEADER_LENGTH)
                {
                    return -MALFORMED;
                }
                etherType = u16(base, address, offset + SLL_PROTOCOL_OFFSET);
                headerLength = SLL_HEADER_LENGTH;
                break;

            case LinkType.LINUX_SLL2:
                if (capturedLength < SLL2_HEADER_LENGTH)
                {
                    return -MALFORMED;
                }
                etherType = u16(base, address, offset + SLL2_PROTOCOL_OFFSET);
                headerLength = SLL2_HEADER_LENGTH;
                break;

            case LinkType.IPV4:
                etherType = ETHERTYPE_IPV4;
                headerLength = 0;
                break;

            case LinkType.IPV6:
                etherType = ETHERTYPE_IPV6;
                headerLength = 0;
                break;

            case LinkType.RAW:
            case LinkType.RAW_DLT_12:
            case LinkType.RAW_DLT_14:
            {
                // Nothing but the version nibble tells the family, and raw IP cannot carry anything else.
                if (capturedLength < 1)
                {
                    return -MALFORMED;
                }
                final int version = u8(base, address, offset) >>> 4;
                if (4 != version && 6 != version)
                {
                    return -MALFORMED;
                }
                etherType = 4 == version ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
                headerLength = 0;
                break;
            }

            default:
                return -UNSUPPORTED_LINK;
        }
        return ((long)etherType << 32) | (offset + headerLength);
    }

    /** Everything after a link header that is not plain IPv4: VLAN tags, then IPv4 or IPv6. */
    private static int parseTagged(
        final Object base, final long address, final int offset, final int linkEnd, final int end,
        final int wireLength, final int linkEtherType, final PacketTuple out)
    {
        int etherType = linkEtherType;
        int cursor = linkEnd;
        // Cooked captures can keep tags too, so every link type peels them. Each tag consumes captured bytes,
        // which bounds the loop however deep the stack.
        while (ETHERTYPE_VLAN == etherType || ETHERTYPE_QINQ == etherType || ETHERTYPE_QINQ_LEGACY == etherType)
        {
            if (end - cursor < VLAN_TAG_LENGTH)
            {
                return MALFORMED;
            }
            etherType = u16(base, address, cursor + VLAN_INNER_TYPE_OFFSET);
            cursor += VLAN_TAG_LENGTH;
        }

        // Ethernet pads short frames, so the wire may be longer than the IP packet: an upper bound only.
        final int ipWireLength = wireLength - (cursor - offset);
        switch (etherType)
        {
            case ETHERTYPE_IPV4:
                return parseIpv4(base, address, cursor, end, ipWireLength, out);
            case ETHERTYPE_IPV6:
                return parseIpv6(base, address, cursor, end, ipWireLength, out);
            default:
                return NOT_IP;
        }
    }

    private static int parseIpv4(
        final Object base, final long address, final int ip, final int end, final int ipWireLength,
        final PacketTuple out)
    {
        if (end - ip < IPV4_MIN_HEADER_LENGTH)
        {
            return MALFORMED;
        }
        final int versionIhl = u8(base, address, ip + IPV4_VERSION_IHL_OFFSET);
        final int headerLength = (versionIhl & 0x0f) * 4;
        if (4 != (versionIhl >>> 4) || headerLength < IPV4_MIN_HEADER_LENGTH || headerLength > end - ip)
        {
            return MALFORMED;
        }
        final int totalLength = u16(base, address, ip + IPV4_TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength || totalLength > ipWireLength)
        {
            return MALFORMED;
        }

        final int protocol = u8(base, address, ip + IPV4_PROTOCOL_OFFSET);
        final boolean laterFragment =
            0 != (u16(base, address, ip + IPV4_FRAGMENT_OFFSET) & IPV4_FRAGMENT_OFFSET_MASK);
        final long transport = laterFragment ? TransportHeaders.NO_PORTS :
            TransportHeaders.parse(base, address, protocol, ip + headerLength, end, totalLength - headerLength);
        if (TransportHeaders.MALFORMED == transport)
        {
            return MALFORMED;
        }

        out.set(
            protocol,
            false,
            0,
            Addresses.ipv4Lo(i32(base, address, ip + IPV4_SRC_OFFSET)),
            TransportHeaders.srcPort(transport),
            0,
            Addresses.ipv4Lo(i32(base, address, ip + IPV4_DST_OFFSET)),
            TransportHeaders.dstPort(transport),
            TransportHeaders.flags(transport));

        return OK;
    }

    private static int parseIpv6(
        final Object base, final long address, final int ip, final int end, final int ipWireLength,
        final PacketTuple out)
    {
        if (end - ip < IPV6_HEADER_LENGTH || 6 != (u8(base, address, ip) >>> 4))
        {
            return MALFORMED;
        }
        final int payloadLength = u16(base, address, ip + IPV6_PAYLOAD_LENGTH_OFFSET);
        if (payloadLength > ipWireLength - IPV6_HEADER_LENGTH)
        {
            return MALFORMED;
        }

        int nextHeader = u8(base, address, ip + IPV6_NEXT_HEADER_OFFSET);
        int cursor = ip + IPV6_HEADER_LENGTH;
        int remaining = payloadLength;
        boolean laterFragment = false;
        for (int headers = 0; !laterFragment && isExtensionHeader(nextHeader); headers++)
        {
            // Bounded so that a hostile chain of tiny headers costs at most a fixed amount of work.
            if (MAX_EXTENSION_HEADERS == headers || remaining < EXT_MIN_LENGTH || end - cursor < EXT_MIN_LENGTH)
            {
                return MALFORMED;
            }
            final int lengthField = u8(base, address, cursor + EXT_LENGTH_OFFSET);
            final int length = NEXT_FRAGMENT == nextHeader ? FRAGMENT_HEADER_LENGTH :
                NEXT_AH == nextHeader ? (lengthField + 2) * 4 : (lengthField + 1) * 8;
            if (length > remaining || length > end - cursor)
            {
                return MALFORMED;
            }
            if (NEXT_FRAGMENT == nextHeader)
            {
                laterFragment = 0 != (u16(base, address, cursor + FRAGMENT_OFFSET_OFFSET) >>> 3);
            }
            nextHeader = u8(base, address, cursor + EXT_NEXT_HEADER_OFFSET);
            cursor += length;
            remaining -= length;
        }

        final long transport = laterFragment ? TransportHeaders.NO_PORTS :
            TransportHeaders.parse(base, address, nextHeader, cursor, end, remaining);
        if (TransportHeaders.MALFORMED == transport)
        {
            return MALFORMED;
        }

        out.set(
            nextHeader,
            true,
            i64(base, address, ip + IPV6_SRC_OFFSET),
            i64(base, address, ip + IPV6_SRC_OFFSET + 8),
            TransportHeaders.srcPort(transport),
            i64(base, address, ip + IPV6_DST_OFFSET),
            i64(base, address, ip + IPV6_DST_OFFSET + 8),
            TransportHeaders.dstPort(transport),
            TransportHeaders.flags(transport));

        return OK;
    }

    private static boolean isExtensionHeader(final int nextHeader)
    {
        return NEXT_HOP_BY_HOP == nextHeader || NEXT_ROUTING == nextHeader || NEXT_FRAGMENT == nextHeader ||
            NEXT_AH == nextHeader || NEXT_DESTINATION_OPTIONS == nextHeader;
    }
}
