package io.vipflow.harness.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Writes pcapng bytes for tests, one block at a time, remembering where each block starts. The byte order can
 * change at each section header, as the format allows.
 */
final class PcapngFile
{
    static final int NAME_RESOLUTION = 4;
    static final int INTERFACE_STATISTICS = 5;

    private ByteBuffer buffer = ByteBuffer.allocate(1024);
    private long lastBlockOffset = -1;

    PcapngFile(final ByteOrder order)
    {
        section(order);
    }

    /** Starts a section with a comment option, so readers must skip options to find the trailer. */
    PcapngFile section(final ByteOrder order)
    {
        buffer.order(order);
        final ByteBuffer body = body(32);
        body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short)1).putShort((short)0).putLong(-1L);
        option(body, 1, "section".getBytes(US_ASCII));
        option(body, 0, new byte[0]);
        return block(PcapngBlocks.SECTION_HEADER, body);
    }

    /**
     * @param resolution {@code if_tsresol} byte, or -1 to leave the option out.
     * @param offsetSeconds {@code if_tsoffset}, left out when 0.
     */
    PcapngFile interfaceBlock(final int linkType, final int snapLength, final int resolution, final long offsetSeconds)
    {
        final ByteBuffer body = body(48);
        body.putShort((short)linkType).putShort((short)0).putInt(snapLength);
        option(body, 2, "eth0".getBytes(US_ASCII));
        if (resolution >= 0)
        {
            option(body, PcapngReader.IF_TSRESOL, new byte[]{(byte)resolution});
        }
        if (0 != offsetSeconds)
        {
            option(body, PcapngReader.IF_TSOFFSET, body(8).putLong(offsetSeconds).array());
        }
        option(body, 0, new byte[0]);
        return block(PcapngBlocks.INTERFACE_DESCRIPTION, body);
    }

    PcapngFile enhancedPacket(final int interfaceId, final long ticks, final byte[] data)
    {
        return enhancedPacket(interfaceId, ticks, data.length, data.length, data);
    }

    PcapngFile enhancedPacket(
        final int interfaceId, final long ticks, final int captured, final int original, final byte[] data)
    {
        final ByteBuffer body = body(40 + data.length);
        body.putInt(interfaceId).putInt((int)(ticks >>> 32)).putInt((int)ticks).putInt(captured).putInt(original);
        body.put(data).position((body.position() + 3) & ~3);
        option(body, 1, "comment".getBytes(US_ASCII));
        option(body, 0, new byte[0]);
        return block(PcapngBlocks.ENHANCED_PACKET, body);
    }

    PcapngFile obsoletePacket(final int interfaceId, final long ticks, final byte[] data)
    {
        final ByteBuffer body = body(24 + data.length);
        body.putShort((short)interfaceId).putShort((short)0).putInt((int)(ticks >>> 32)).putInt((int)ticks);
        body.putInt(data.length).putInt(data.length).put(data).position((body.position() + 3) & ~3);
        return block(PcapngBlocks.PACKET, body);
    }

    PcapngFile simplePacket(final int original, final byte[] data)
    {
        final ByteBuffer body = body(8 + data.length);
        body.putInt(original).put(data).position((body.position() + 3) & ~3);
        return block(PcapngBlocks.SIMPLE_PACKET, body);
    }

    /** Any block type with an opaque body, whose length must be a multiple of 4 for a well-formed file. */
    PcapngFile rawBlock(final int type, final byte[] body)
    {
        return block(type, body(body.length).put(body));
    }

    long lastBlockOffset()
    {
        return lastBlockOffset;
    }

    byte[] toBytes()
    {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private PcapngFile block(final int type, final ByteBuffer body)
    {
        final int length = 12 + body.position();
        if (buffer.remaining() < length)
        {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + length))
                .order(buffer.order());
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        lastBlockOffset = buffer.position();
        buffer.putInt(type).putInt(length).put(body.array(), 0, body.position()).putInt(length);
        return this;
    }

    private ByteBuffer body(final int capacity)
    {
        return ByteBuffer.allocate(capacity).order(buffer.order());
    }

    private static void option(final ByteBuffer body, final int code, final byte[] value)
    {
        body.putShort((short)code).putShort((short)value.length).put(value);
        body.position((body.position() + 3) & ~3);
    }
}
