package io.vipflow.harness.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.vipflow.harness.trace.PcapFile.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Corrupted files either read or fail with {@link TraceFormatException}; no other exception may escape, whatever
 * the bytes. Mutations favour the fields that steer a parser: lengths and counts, via whole-word overwrites with
 * boundary values.
 */
class TraceFuzzTest
{
    private static final int[] BOUNDARY_WORDS =
        {0, 1, 3, 4, 12, 16, 28, 32, -1, -4, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 0x10000, 0x40001, 0x80};

    @TempDir
    Path dir;

    @Test
    void mutatedPcapReadsOrFailsCleanly()
    {
        final byte[] valid = new PcapFile(ByteOrder.LITTLE_ENDIAN, false, TracePacket.LINKTYPE_ETHERNET)
            .record(1, 2, payload(60, 1))
            .record(3, 4, 10, 1514, payload(10, 2))
            .record(5, 6, payload(0, 3))
            .record(7, 8, payload(33, 4))
            .toBytes();
        checkMutations(valid, "fuzz.pcap");
    }

    @Test
    void mutatedPcapngReadsOrFailsCleanly()
    {
        final byte[] valid = new PcapngFile(ByteOrder.BIG_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 64, 0x80 | 20, 100)
            .enhancedPacket(0, 12345, payload(60, 1))
            .rawBlock(0x0BAD, new byte[8])
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, 9, 0)
            .simplePacket(70, payload(64, 2))
            .obsoletePacket(1, 99, payload(21, 3))
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_LINUX_SLL, 0, -1, -5)
            .enhancedPacket(0, 1, 40, 80, payload(40, 4))
            .toBytes();
        checkMutations(valid, "fuzz.pcapng");
    }

    private void checkMutations(final byte[] valid, final String name)
    {
        final Path path = dir.resolve(name);
        assertEquals(-1, readAll(valid, path), "the unmutated file reads cleanly");
        qt()
            .withExamples(3000)
            .forAll(
                lists().of(integers().all()).ofSizeBetween(0, 6),
                integers().between(0, 1100))
            .checkAssert((mutations, cut) -> readAll(mutate(valid, mutations, cut), path));
    }

    /**
     * Each mutation's low two bits pick the kind, the next six a boundary word or value, the rest the position.
     * {@code cut} is the share of the file kept in thousandths; above 1000 the file is kept whole.
     */
    private static byte[] mutate(final byte[] valid, final List<Integer> mutations, final int cut)
    {
        final int length = cut >= 1000 ? valid.length : (int)((long)valid.length * cut / 1000);
        final ByteBuffer bytes = ByteBuffer.allocate(length).put(valid, 0, length);
        for (final int mutation : mutations)
        {
            if (0 == length)
            {
                break;
            }
            final int value = (mutation >>> 2) & 0x3F;
            final int position = (mutation >>> 8) % length;
            switch (mutation & 3)
            {
                case 0:
                    bytes.put(position, (byte)(value * 4 + 1));
                    break;
                case 1:
                    bytes.put(position, (byte)(bytes.get(position) ^ (1 << (value & 7))));
                    break;
                default:
                    final int aligned = position & ~3;
                    if (aligned + 4 <= length)
                    {
                        bytes.order((mutation & 1) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                            .putInt(aligned, BOUNDARY_WORDS[value % BOUNDARY_WORDS.length]);
                    }
            }
        }
        return bytes.array();
    }

    /** @return -1 if the file read to its end, else the offset of the {@link TraceFormatException}. */
    private static long readAll(final byte[] bytes, final Path path)
    {
        try
        {
            Files.write(path, bytes);
            try (TraceReader reader = TraceReader.open(path))
            {
                final TracePacket packet = new TracePacket(0);
                long count = 0;
                while (reader.next(packet))
                {
                    assertEquals(count++, packet.index);
                    assertTrue(packet.capturedLength >= 0 && packet.capturedLength <= TraceReader.MAX_CAPTURED_LENGTH);
                    assertTrue(packet.capturedLength <= packet.data.length);
                    assertTrue(packet.fileOffset >= 0 && packet.fileOffset < bytes.length);
                }
            }
            return -1;
        }
        catch (final TraceFormatException ex)
        {
            assertEquals(path, ex.getPath());
            assertTrue(ex.getOffset() >= 0 && ex.getOffset() <= bytes.length, ex.getMessage());
            assertTrue(ex.getMessage().startsWith(path + ": byte " + ex.getOffset() + ": "), ex.getMessage());
            return ex.getOffset();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
