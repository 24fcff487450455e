package io.vipflow.harness.trace;

import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Classic pcap: a 24-byte file header, then records of a 16-byte header and the captured bytes.
 * <p>
 * Thread contract: a reader is used by one thread.
 */
final class PcapReader extends TraceReader
{
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    private static final int SUPPORTED_MAJOR_VERSION = 2;
    /** The top bits of the link type field carry FCS information, not the link type. */
    private static final int LINK_TYPE_MASK = 0x03FF_FFFF;

    private final int linkType;
    private final long fractionToNanos;

    PcapReader(final TraceInput input, final ByteOrder order, final boolean nanos) throws IOException
    {
        super(input);
        final long size = input.size();
        if (size < FILE_HEADER_LENGTH)
        {
            throw input.error(0, "pcap file header truncated (needs " + FILE_HEADER_LENGTH + " bytes, " + size +
                " left)");
        }

        input.order(order);
        input.require(FILE_HEADER_LENGTH - 4, 0);
        final int major = input.getUnsignedShort();
        final int minor = input.getUnsignedShort();
        if (major != SUPPORTED_MAJOR_VERSION)
        {
            throw input.error(0, "unsupported pcap version " + major + "." + minor);
        }
        // thiszone and sigfigs are always zero in practice, and readers ignore them.
        input.skip(8);
        input.getInt(); // snap length: each record carries its own captured length.
        linkType = input.getInt() & LINK_TYPE_MASK;
        fractionToNanos = nanos ? 1 : 1000;
    }

    @Override
    public boolean next(final TracePacket into) throws IOException
    {
        final TraceInput input = this.input;
        final long offset = input.position();
        final long left = input.remaining();
        if (0 == left)
        {
            return false;
        }
        if (left < RECORD_HEADER_LENGTH)
        {
            throw input.error(offset, "packet record header truncated (needs " + RECORD_HEADER_LENGTH + " bytes, " +
                left + " left)");
        }

        input.require(RECORD_HEADER_LENGTH, offset);
        final long seconds = input.getInt() & 0xFFFF_FFFFL;
        final long fraction = input.getInt() & 0xFFFF_FFFFL;
        final int captured = checkCapturedLength(input.getInt(), offset);
        final int original = checkOriginalLength(input.getInt(), offset);
        if ((seconds | fraction | captured | original) == 0)
        {
            // No capture tool writes a record of no bytes, none on the wire, at the epoch's first instant; such a
            // header is a zeroed or sparse region of the file. Read on, it would yield one malformed verdict per
            // 16 zero bytes (a 2 GB hole: 134 million decisions), so the file is refused here, with its place.
            throw input.error(offset, "packet record header is all zero bytes (a zeroed or sparse region of the " +
                "file, not a captured packet)");
        }
        final long needed = RECORD_HEADER_LENGTH + (long)captured;
        if (needed > left)
        {
            throw input.error(offset, "packet record truncated (needs " + needed + " bytes, " + left + " left)");
        }

        input.read(into.ensureCapacity(captured), 0, captured, offset);
        into.capturedLength = captured;
        into.originalLength = original;
        into.linkType = linkType;
        into.interfaceId = 0;
        // Unsigned 32-bit seconds times 10^9 plus a 32-bit fraction stays below 2^63: no overflow check needed.
        into.timestampNanos = seconds * 1_000_000_000L + fraction * fractionToNanos;
        into.index = packetIndex++;
        into.fileOffset = offset;
        return true;
    }
}
