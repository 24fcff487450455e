package io.vipflow.harness.trace;

import java.io.IOException;

/**
 * pcapng block framing: type numbers, least lengths and the checks on the two copies of a block's total length.
 * <p>
 * Every block is {@code type, total length, body, total length}. The length is checked against the file size
 * before the body is read and against the trailing copy after, so framing errors surface at the block that has
 * them rather than as garbage further on.
 * <p>
 * Thread contract: stateless.
 */
final class PcapngBlocks
{
    static final int SECTION_HEADER = TraceReader.PCAPNG_MAGIC;
    static final int INTERFACE_DESCRIPTION = 1;
    /** Obsolete, superseded by {@link #ENHANCED_PACKET}, but old writers still produce it. */
    static final int PACKET = 2;
    static final int SIMPLE_PACKET = 3;
    static final int ENHANCED_PACKET = 6;

    /** Type, total length and trailing total length: the least a block can be. */
    static final int MIN_LENGTH = 12;
    static final int MIN_SECTION_HEADER_LENGTH = 28;
    static final int MIN_INTERFACE_DESCRIPTION_LENGTH = 20;
    /** Also the fixed part of an obsolete Packet Block, whose layout differs only in the interface field. */
    static final int MIN_ENHANCED_PACKET_LENGTH = 32;
    static final int MIN_SIMPLE_PACKET_LENGTH = 16;

    private PcapngBlocks()
    {
    }

    /**
     * @return the total length as an unsigned value, once known to be aligned, at least the type's minimum and
     * within the {@code left} bytes from the block start to the end of the file.
     */
    static long checkLength(
        final TraceInput input, final int type, final int rawLength, final long offset, final long left)
        throws TraceFormatException
    {
        final long length = rawLength & 0xFFFF_FFFFL;
        if ((length & 3) != 0)
        {
            throw input.error(offset, name(type) + " total length " + length + " is not a multiple of 4");
        }
        final int minLength = minLength(type);
        if (length < minLength)
        {
            throw input.error(offset, name(type) + " total length " + length + " is below its minimum of " +
                minLength);
        }
        if (length > left)
        {
            throw input.error(offset, name(type) + " truncated (needs " + length + " bytes, " + left + " left)");
        }
        return length;
    }

    /** Reads the trailing copy of the total length, which the read position must have reached. */
    static void readTrailer(final TraceInput input, final long offset, final long length) throws IOException
    {
        input.require(4, offset);
        final long trailer = input.getInt() & 0xFFFF_FFFFL;
        if (trailer != length)
        {
            throw input.error(offset, "block total length " + length + " disagrees with its trailing copy " +
                trailer);
        }
    }

    static int minLength(final int type)
    {
        switch (type)
        {
            case SECTION_HEADER: return MIN_SECTION_HEADER_LENGTH;
            case INTERFACE_DESCRIPTION: return MIN_INTERFACE_DESCRIPTION_LENGTH;
            case ENHANCED_PACKET:
            case PACKET: return MIN_ENHANCED_PACKET_LENGTH;
            case SIMPLE_PACKET: return MIN_SIMPLE_PACKET_LENGTH;
            default: return MIN_LENGTH;
        }
    }

    /** Allocates for unknown types; called only to build error messages. */
    static String name(final int type)
    {
        switch (type)
        {
            case SECTION_HEADER: return "section header block";
            case INTERFACE_DESCRIPTION: return "interface description block";
            case ENHANCED_PACKET: return "enhanced packet block";
            case PACKET: return "packet block";
            case SIMPLE_PACKET: return "simple packet block";
            default: return "block of type 0x" + Integer.toHexString(type);
        }
    }
}
