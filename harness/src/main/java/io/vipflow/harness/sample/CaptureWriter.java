package io.vipflow.harness.sample;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes Ethernet frames as a classic pcap file and as a pcapng file, both little-endian with microsecond
 * timestamps, so that the two files hold exactly the same packets and times. Layouts follow the pcap file format
 * (draft-ietf-opsawg-pcap: a 24-byte file header, then a 16-byte record header before each frame) and pcapng
 * (draft-ietf-opsawg-pcapng: Section Header Block, one Interface Description Block whose default resolution is
 * microseconds, then one Enhanced Packet Block per frame).
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class CaptureWriter
{
    /** One frame and when it was seen, in microseconds since the epoch. */
    public record Frame(long timestampMicros, byte[] bytes)
    {
    }

    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAP_LENGTH = 65535;
    private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
    private static final int SECTION_HEADER_BLOCK = 0x0a0d0d0a;
    private static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    private static final int ENHANCED_PACKET_BLOCK = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;

    private CaptureWriter()
    {
    }

    /** @return the frames as a classic pcap file. */
    public static byte[] pcap(final List<Frame> frames)
    {
        int size = 24;
        for (final Frame f : frames)
        {
            size += 16 + f.bytes().length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PCAP_MAGIC_MICROS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(SNAP_LENGTH).putInt(LINKTYPE_ETHERNET);
        for (final Frame f : frames)
        {
            b.putInt((int)(f.timestampMicros() / 1_000_000)).putInt((int)(f.timestampMicros() % 1_000_000))
                .putInt(f.bytes().length).putInt(f.bytes().length).put(f.bytes());
        }
        return b.array();
    }

    /** @return the same frames as a pcapng file with one Ethernet interface. */
    public static byte[] pcapng(final List<Frame> frames)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteBuffer shb = block(SECTION_HEADER_BLOCK, 16);
        shb.putInt(BYTE_ORDER_MAGIC).putShort((short)1).putShort((short)0).putLong(-1L);  // section length unknown
        out.writeBytes(close(shb));
        final ByteBuffer idb = block(INTERFACE_DESCRIPTION_BLOCK, 8);
        idb.putShort((short)LINKTYPE_ETHERNET).putShort((short)0).putInt(SNAP_LENGTH);
        out.writeBytes(close(idb));
        for (final Frame f : frames)
        {
            final int padded = (f.bytes().length + 3) & ~3;
            final ByteBuffer epb = block(ENHANCED_PACKET_BLOCK, 20 + padded);
            epb.putInt(0).putInt((int)(f.timestampMicros() >>> 32)).putInt((int)f.timestampMicros())
                .putInt(f.bytes().length).putInt(f.bytes().length).put(f.bytes());
            epb.position(epb.position() + padded - f.bytes().length);
            out.writeBytes(close(epb));
        }
        return out.toByteArray();
    }

    /** A block with its type and total length written, positioned at its body. */
    private static ByteBuffer block(final int type, final int bodyLength)
    {
        final int total = 12 + bodyLength;
        return ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(total);
    }

    /** Repeats the total length at the block's end, as both ends of a block carry it. */
    private static byte[] close(final ByteBuffer block)
    {
        block.putInt(block.capacity() - 4, block.capacity());
        return block.array();
    }
}
