package io.vipflow.harness.trace;

import java.io.IOException;
import java.nio.ByteOrder;

import static io.vipflow.harness.trace.PcapngBlocks.ENHANCED_PACKET;
import static io.vipflow.harness.trace.PcapngBlocks.INTERFACE_DESCRIPTION;
import static io.vipflow.harness.trace.PcapngBlocks.MIN_ENHANCED_PACKET_LENGTH;
import static io.vipflow.harness.trace.PcapngBlocks.MIN_LENGTH;
import static io.vipflow.harness.trace.PcapngBlocks.MIN_SECTION_HEADER_LENGTH;
import static io.vipflow.harness.trace.PcapngBlocks.MIN_SIMPLE_PACKET_LENGTH;
import static io.vipflow.harness.trace.PcapngBlocks.PACKET;
import static io.vipflow.harness.trace.PcapngBlocks.SECTION_HEADER;
import static io.vipflow.harness.trace.PcapngBlocks.SIMPLE_PACKET;
import static io.vipflow.harness.trace.PcapngBlocks.checkLength;
import static io.vipflow.harness.trace.PcapngBlocks.name;
import static io.vipflow.harness.trace.PcapngBlocks.readTrailer;

/**
 * pcapng: a sequence of sections, each a Section Header Block that fixes the byte order, Interface Description
 * Blocks that number the interfaces, and packet blocks that refer to them. Enhanced, Simple and the obsolete Packet
 * Blocks yield packets; every other block type is skipped by its length (framing in {@link PcapngBlocks}).
 * <p>
 * Thread contract: a reader is used by one thread.
 */
final class PcapngReader extends TraceReader
{
    static final int BYTE_ORDER_MAGIC = 0x1A2B_3C4D;

    static final int OPT_ENDOFOPT = 0;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    private static final int SUPPORTED_MAJOR_VERSION = 1;

    private final InterfaceTable interfaces = new InterfaceTable();

    PcapngReader(final TraceInput input) throws IOException
    {
        super(input);
        readSectionHeader(0);
    }

    @Override
    public boolean next(final TracePacket into) throws IOException
    {
        final TraceInput input = this.input;
        while (true)
        {
            final long offset = input.position();
            final long left = input.remaining();
            if (0 == left)
            {
                return false;
            }
            if (left < MIN_LENGTH)
            {
                throw input.error(offset, "block header truncated (needs " + MIN_LENGTH + " bytes, " + left +
                    " left)");
            }

            input.require(8, offset);
            final int type = input.getInt();
            if (SECTION_HEADER == type)
            {
                // Read before the length: its byte-order magic decides how the length is to be read.
                readSectionHeader(offset);
                continue;
            }

            final long length = checkLength(input, type, input.getInt(), offset, left);
            switch (type)
            {
                case ENHANCED_PACKET:
                case PACKET:
                    readPacket(into, type, offset, length);
                    return true;

                case SIMPLE_PACKET:
                    readSimplePacket(into, offset, length);
                    return true;

                case INTERFACE_DESCRIPTION:
                    readInterface(offset, length);
                    break;

                default:
                    input.skip(length - MIN_LENGTH);
                    readTrailer(input, offset, length);
            }
        }
    }

    /** Reads a Section Header Block whose type field, at {@code offset}, has been consumed. */
    private void readSectionHeader(final long offset) throws IOException
    {
        final TraceInput input = this.input;
        final long left = input.size() - offset;
        if (left < MIN_SECTION_HEADER_LENGTH)
        {
            throw input.error(offset, "section header block truncated (needs " + MIN_SECTION_HEADER_LENGTH +
                " bytes, " + left + " left)");
        }

        input.order(ByteOrder.BIG_ENDIAN);
        input.require(12, offset);
        int rawLength = input.getInt();
        final int byteOrderMagic = input.getInt();
        if (Integer.reverseBytes(BYTE_ORDER_MAGIC) == byteOrderMagic)
        {
            input.order(ByteOrder.LITTLE_ENDIAN);
            rawLength = Integer.reverseBytes(rawLength);
        }
        else if (BYTE_ORDER_MAGIC != byteOrderMagic)
        {
            throw input.error(offset, "section header block has bad byte-order magic 0x" +
                Integer.toHexString(byteOrderMagic));
        }

        final long length = checkLength(input, SECTION_HEADER, rawLength, offset, left);
        final int major = input.getUnsignedShort();
        final int minor = input.getUnsignedShort();
        if (SUPPORTED_MAJOR_VERSION != major)
        {
            throw input.error(offset, "unsupported pcapng version " + major + "." + minor);
        }
        // The section length and the options say nothing a reader needs.
        input.skip(length - 20);
        readTrailer(input, offset, length);
        interfaces.clear();
    }

    private void readInterface(final long offset, final long length) throws IOException
    {
        final TraceInput input = this.input;
        input.require(8, offset);
        final int linkType = input.getUnsignedShort();
        input.getUnsignedShort();
        final int snapLength = input.getInt();

        int resolution = Timestamps.DEFAULT_RESOLUTION;
        long offsetSeconds = 0;
        final long end = offset + length - 4;
        long optionOffset = offset + 16;
        while (optionOffset + 4 <= end)
        {
            input.require(4, optionOffset);
            final int code = input.getUnsignedShort();
            final int optionLength = input.getUnsignedShort();
            if (OPT_ENDOFOPT == code)
            {
                break;
            }
            final int padded = (optionLength + 3) & ~3;
            if (optionOffset + 4 + padded > end)
            {
                throw input.error(optionOffset, "option " + code + " of length " + optionLength +
                    " overruns its block, which ends at byte " + (end + 4));
            }

            if (IF_TSRESOL == code)
            {
                checkOptionLength("if_tsresol", optionLength, 1, optionOffset);
                input.require(1, optionOffset);
                resolution = input.getUnsignedByte();
                if (!Timestamps.isSupported(resolution))
                {
                    throw input.error(optionOffset, "unsupported if_tsresol 0x" + Integer.toHexString(resolution));
                }
                input.skip(padded - 1);
            }
            else if (IF_TSOFFSET == code)
            {
                checkOptionLength("if_tsoffset", optionLength, 8, optionOffset);
                input.require(8, optionOffset);
                offsetSeconds = input.getLong();
            }
            else
            {
                input.skip(padded);
            }
            optionOffset += 4 + padded;
        }

        input.skip(end - input.position());
        readTrailer(input, offset, length);
        if (interfaces.isFull())
        {
            throw input.error(offset, "more than " + InterfaceTable.MAX_INTERFACES + " interfaces in one section");
        }
        interfaces.add(linkType, snapLength, resolution, offsetSeconds);
    }

    private void readPacket(final TracePacket into, final int type, final long offset, final long length)
        throws IOException
    {
        final TraceInput input = this.input;
        input.require(20, offset);
        final int interfaceId;
        if (PACKET == type)
        {
            interfaceId = input.getUnsignedShort();
            input.getUnsignedShort(); // drops count
        }
        else
        {
            interfaceId = input.getInt();
        }
        if (interfaceId < 0 || interfaceId >= interfaces.count())
        {
            throw input.error(offset, name(type) + " refers to undefined interface " +
                Integer.toUnsignedString(interfaceId) + " (the section defines " + interfaces.count() + ")");
        }

        final long ticks = ((long)input.getInt() << 32) | (input.getInt() & 0xFFFF_FFFFL);
        final int captured = checkCapturedLength(input.getInt(), offset);
        final int original = checkOriginalLength(input.getInt(), offset);
        checkFits(type, captured, MIN_ENHANCED_PACKET_LENGTH, offset, length);
        final long timestampNanos;
        try
        {
            timestampNanos = Timestamps.toNanos(
                ticks, interfaces.resolution(interfaceId), interfaces.offsetSeconds(interfaceId));
        }
        catch (final ArithmeticException ex)
        {
            throw input.error(offset, "timestamp " + Long.toUnsignedString(ticks) +
                " does not fit in 64-bit epoch nanoseconds");
        }

        input.read(into.ensureCapacity(captured), 0, captured, offset);
        input.skip(length - MIN_ENHANCED_PACKET_LENGTH - captured);
        readTrailer(input, offset, length);
        fill(into, interfaceId, captured, original, timestampNanos, offset);
    }

    /** A Simple Packet Block belongs to interface 0 and carries no time and no captured length of its own. */
    private void readSimplePacket(final TracePacket into, final long offset, final long length) throws IOException
    {
        final TraceInput input = this.input;
        if (0 == interfaces.count())
        {
            throw input.error(offset, "simple packet block refers to undefined interface 0 (the section defines 0)");
        }
        input.require(4, offset);
        final int original = checkOriginalLength(input.getInt(), offset);
        final long snapLength = interfaces.snapLength(0) & 0xFFFF_FFFFL;
        final int captured = checkCapturedLength(
            0 != snapLength && snapLength < original ? (int)snapLength : original, offset);
        checkFits(SIMPLE_PACKET, captured, MIN_SIMPLE_PACKET_LENGTH, offset, length);

        input.read(into.ensureCapacity(captured), 0, captured, offset);
        input.skip(length - MIN_SIMPLE_PACKET_LENGTH - captured);
        readTrailer(input, offset, length);
        fill(into, 0, captured, original, TracePacket.NO_TIMESTAMP, offset);
    }

    private void fill(
        final TracePacket into,
        final int interfaceId,
        final int captured,
        final int original,
        final long timestampNanos,
        final long offset)
    {
        into.capturedLength = captured;
        into.originalLength = original;
        into.linkType = interfaces.linkType(interfaceId);
        into.interfaceId = interfaceId;
        into.timestampNanos = timestampNanos;
        into.index = packetIndex++;
        into.fileOffset = offset;
    }

    private void checkFits(
        final int type, final int captured, final int fixedLength, final long offset, final long length)
        throws TraceFormatException
    {
        if (fixedLength + ((captured + 3L) & ~3L) > length)
        {
            throw input.error(offset, "captured length " + captured + " is larger than its " + name(type) +
                " of " + length + " bytes");
        }
    }

    private void checkOptionLength(
        final String optionName, final int length, final int expected, final long offset)
        throws TraceFormatException
    {
        if (length != expected)
        {
            throw input.error(offset, optionName + " option has length " + length + ", expected " + expected);
        }
    }
}
