package io.vipflow.packet;


import static io.vipflow.packet.FrameBytes.u16;
import static io.vipflow.packet.FrameBytes.u8;

/**
 * Ports and flags of TCP, UDP and SCTP for {@link FrameParser}. The result is packed into a {@code long} rather
 * than written to the tuple, so a malformed transport header leaves the caller's tuple untouched.
 * <p>
 * Thread contract: stateless; any thread.
 */
final class TransportHeaders
{
    /** The headers disagree; valid results are never negative. */
    static final long MALFORMED = -1L;
    /** Result for protocols without ports and for non-first fragments. */
    static final long NO_PORTS = 0L;

    /*
     * TCP (first 14 bytes):         UDP:                            SCTP common header, then chunks:
     * +----------+----------+       +----------+----------+         +------------+----------+
     * | src port | dst port |       | src port | dst port |         | src port   | dst port |
     * | sequence (4)        |       | length   | checksum |         | verification tag (4)  |
     * | acknowledgment (4)  |       +----------+----------+         | checksum (4)          |
     * | off|res  | flags    |                                       | chunk type | ...      |
     * +----------+----------+                                       +------------+----------+
     */
    private static final int SRC_PORT_OFFSET = 0;
    private static final int DST_PORT_OFFSET = 2;
    private static final int TCP_DATA_OFFSET_OFFSET = 12;
    private static final int TCP_FLAGS_OFFSET = 13;
    private static final int TCP_REQUIRED_LENGTH = 14;
    private static final int TCP_MIN_DATA_OFFSET = 5;
    private static final int UDP_LENGTH_OFFSET = 4;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int SCTP_COMMON_HEADER_LENGTH = 12;
    private static final int SCTP_FIRST_CHUNK_TYPE_OFFSET = 12;
    private static final int SCTP_CHUNK_INIT = 1;
    private static final int SCTP_CHUNK_ABORT = 6;

    private TransportHeaders()
    {
    }

    /**
     * Reads the transport header at {@code l4}.
     *
     * @param end           index just past the last captured byte.
     * @param payloadLength bytes of IP payload per the IP header; may exceed what was captured.
     * @return {@code srcPort << 32 | dstPort << 16 | flags}, {@link #NO_PORTS} for other protocols, or
     * {@link #MALFORMED}.
     */
    static long parse(
        final Object base, final long address, final int protocol, final int l4, final int end,
        final int payloadLength)
    {
        final int captured = end - l4;
        final int flags;
        switch (protocol)
        {
            case PacketTuple.PROTO_TCP:
            {
                if (captured < TCP_REQUIRED_LENGTH)
                {
                    return MALFORMED;
                }
                final int dataOffset = u8(base, address, l4 + TCP_DATA_OFFSET_OFFSET) >>> 4;
                if (dataOffset < TCP_MIN_DATA_OFFSET || dataOffset * 4 > payloadLength)
                {
                    return MALFORMED;
                }
                flags = u8(base, address, l4 + TCP_FLAGS_OFFSET);
                break;
            }

            case PacketTuple.PROTO_UDP:
            {
                // The whole header is required, not just the ports: its length field is the only cross-check.
                if (captured < UDP_HEADER_LENGTH)
                {
                    return MALFORMED;
                }
                final int udpLength = u16(base, address, l4 + UDP_LENGTH_OFFSET);
                if (udpLength < UDP_HEADER_LENGTH || udpLength > payloadLength)
                {
                    return MALFORMED;
                }
                flags = 0;
                break;
            }

            case PacketTuple.PROTO_SCTP:
            {
                if (captured < SCTP_COMMON_HEADER_LENGTH || payloadLength < SCTP_COMMON_HEADER_LENGTH)
                {
                    return MALFORMED;
                }
                if (payloadLength > SCTP_FIRST_CHUNK_TYPE_OFFSET)
                {
                    // The packet says a chunk follows, so its type must have been captured to tell INIT apart.
                    if (captured <= SCTP_FIRST_CHUNK_TYPE_OFFSET)
                    {
                        return MALFORMED;
                    }
                    final int chunkType = u8(base, address, l4 + SCTP_FIRST_CHUNK_TYPE_OFFSET);
                    flags = SCTP_CHUNK_INIT == chunkType ? PacketTuple.SCTP_INIT :
                        SCTP_CHUNK_ABORT == chunkType ? PacketTuple.SCTP_ABORT : 0;
                }
                else
                {
                    flags = 0;
                }
                break;
            }

            default:
                return NO_PORTS;
        }

        final long srcPort = u16(base, address, l4 + SRC_PORT_OFFSET);
        final long dstPort = u16(base, address, l4 + DST_PORT_OFFSET);

        return srcPort << 32 | dstPort << 16 | flags;
    }

    static int srcPort(final long transport)
    {
        return (int)(transport >>> 32) & 0xffff;
    }

    static int dstPort(final long transport)
    {
        return (int)(transport >>> 16) & 0xffff;
    }

    static int flags(final long transport)
    {
        return (int)transport & 0xffff;
    }
}
