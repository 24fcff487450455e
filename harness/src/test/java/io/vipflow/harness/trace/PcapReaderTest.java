package io.vipflow.harness.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.vipflow.harness.trace.PcapFile.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapReaderTest
{
    private static final long SECONDS = 1_700_000_000L;

    @TempDir
    Path dir;

    @Test
    void readsLittleEndianMicroseconds() throws IOException
    {
        readsTwoPackets(ByteOrder.LITTLE_ENDIAN, false);
    }

    @Test
    void readsBigEndianMicroseconds() throws IOException
    {
        readsTwoPackets(ByteOrder.BIG_ENDIAN, false);
    }

    @Test
    void readsLittleEndianNanoseconds() throws IOException
    {
        readsTwoPackets(ByteOrder.LITTLE_ENDIAN, true);
    }

    @Test
    void readsBigEndianNanoseconds() throws IOException
    {
        readsTwoPackets(ByteOrder.BIG_ENDIAN, true);
    }

    private void readsTwoPackets(final ByteOrder order, final boolean nanos) throws IOException
    {
        final PcapFile file = new PcapFile(order, nanos, TracePacket.LINKTYPE_LINUX_SLL2)
            .record(SECONDS, 123_456, 60, 1514, payload(60, 1))
            .record(SECONDS + 1, 999_999, payload(20, 2));
        final Path path = write("two.pcap", file.toBytes());

        try (TraceReader reader = TraceReader.open(path))
        {
            final TracePacket packet = new TracePacket();
            final byte[] data = packet.data;
            assertTrue(reader.next(packet));
            assertEquals(60, packet.capturedLength);
            assertEquals(1514, packet.originalLength);
            assertEquals(TracePacket.LINKTYPE_LINUX_SLL2, packet.linkType);
            assertEquals(SECONDS * 1_000_000_000L + 123_456L * (nanos ? 1 : 1000), packet.timestampNanos);
            assertEquals(0, packet.index);
            assertEquals(24, packet.fileOffset);
            assertArrayEquals(payload(60, 1), Arrays.copyOf(packet.data, 60));

            assertTrue(reader.next(packet));
            assertSame(data, packet.data, "holder reused, not reallocated");
            assertEquals(20, packet.capturedLength);
            assertEquals((SECONDS + 1) * 1_000_000_000L + 999_999L * (nanos ? 1 : 1000), packet.timestampNanos);
            assertEquals(1, packet.index);
            assertEquals(24 + 16 + 60, packet.fileOffset);
            assertArrayEquals(payload(20, 2), Arrays.copyOf(packet.data, 20));

            assertFalse(reader.next(packet));
            assertFalse(reader.next(packet));
        }
    }

    @Test
    void readsManyPacketsAcrossWindowRefillsAndGrowsTheHolder() throws IOException
    {
        final PcapFile file = new PcapFile(ByteOrder.LITTLE_ENDIAN, false, TracePacket.LINKTYPE_ETHERNET);
        final int[] lengths = {0, 1, 3, 1500, 65_535, 9000, TraceReader.MAX_CAPTURED_LENGTH, 17, 100_000};
        for (int i = 0; i < 600; i++)
        {
            final int length = lengths[i % lengths.length];
            file.record(SECONDS + i, i, payload(length, i));
        }
        final List<TracePacket> packets =
            TraceFixtureTest.readAll(write("many.pcap", file.toBytes()), PcapReader.class);

        assertEquals(600, packets.size());
        for (int i = 0; i < 600; i++)
        {
            assertArrayEquals(payload(lengths[i % lengths.length], i), packets.get(i).data, "packet " + i);
            assertEquals((SECONDS + i) * 1_000_000_000L + i * 1000L, packets.get(i).timestampNanos);
        }
    }

    @Test
    void emptyFile() throws IOException
    {
        assertFormatError(write("empty.pcap", new byte[0]), 0, "empty file");
    }

    @Test
    void fileShorterThanAMagicNumber() throws IOException
    {
        assertFormatError(write("short.pcap", new byte[]{(byte)0xD4, (byte)0xC3}), 0, "unknown file format");
    }

    @Test
    void unknownMagic() throws IOException
    {
        final byte[] bytes = new PcapFile(ByteOrder.BIG_ENDIAN, false, 1).toBytes();
        bytes[0] = 0x7F;
        assertFormatError(write("elf.pcap", bytes), 0, "unknown file format (magic 0x7fb2c3d4)");
    }

    @Test
    void truncatedFileHeader() throws IOException
    {
        final byte[] bytes = Arrays.copyOf(new PcapFile(ByteOrder.LITTLE_ENDIAN, false, 1).toBytes(), 10);
        assertFormatError(write("header.pcap", bytes), 0, "pcap file header truncated (needs 24 bytes, 10 left)");
    }

    @Test
    void unsupportedVersion() throws IOException
    {
        final byte[] bytes = new PcapFile(ByteOrder.LITTLE_ENDIAN, false, 1).toBytes();
        bytes[4] = 1;
        assertFormatError(write("version.pcap", bytes), 0, "unsupported pcap version 1.4");
    }

    @Test
    void truncatedRecordHeader() throws IOException
    {
        final PcapFile file = new PcapFile(ByteOrder.LITTLE_ENDIAN, false, 1).record(SECONDS, 0, payload(40, 0));
        final byte[] bytes = Arrays.copyOf(file.toBytes(), 24 + 56 + 12);
        assertFormatError(write("trace.pcap", bytes), 80, "packet record header truncated (needs 16 bytes, 12 left)");
    }

    @Test
    void truncatedLastRecordIsAnErrorNotDropped() throws IOException
    {
        final PcapFile file = new PcapFile(ByteOrder.BIG_ENDIAN, false, 1)
            .record(SECONDS, 0, payload(40, 0))
            .record(SECONDS, 1, payload(44, 1));
        final byte[] bytes = Arrays.copyOf(file.toBytes(), 24 + 56 + 12 + 16);
        final Path path = write("trace.pcap", bytes);
        try (TraceReader reader = TraceReader.open(path))
        {
            final TracePacket packet = new TracePacket();
            assertTrue(reader.next(packet));
            final TraceFormatException ex = assertThrows(TraceFormatException.class, () -> reader.next(packet));
            assertEquals(80, ex.getOffset());
            assertEquals(path, ex.getPath());
            assertEquals(path + ": byte 80: packet record truncated (needs 60 bytes, 28 left)", ex.getMessage());
        }
    }

    @Test
    void capturedLengthOverTheLimit() throws IOException
    {
        final PcapFile file = new PcapFile(ByteOrder.LITTLE_ENDIAN, true, 1)
            .record(SECONDS, 0, payload(40, 0))
            .record(SECONDS, 0, TraceReader.MAX_CAPTURED_LENGTH + 1, 60, payload(40, 0));
        assertFormatError(write("huge.pcap", file.toBytes()), file.lastRecordOffset(),
            "captured length 262145 exceeds the limit of 262144 bytes");
    }

    @Test
    void negativeCapturedLength() throws IOException
    {
        final PcapFile file = new PcapFile(ByteOrder.LITTLE_ENDIAN, false, 1).record(SECONDS, 0, -4, 60, new byte[0]);
        assertFormatError(write("neg.pcap", file.toBytes()), 24, "captured length 4294967292 exceeds the limit");
    }

    private Path write(final String name, final byte[] bytes) throws IOException
    {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Opens and reads to the end, expecting the error at {@code offset}, whether from open or from next. */
    static TraceFormatException assertFormatError(final Path path, final long offset, final String detail)
    {
        final TraceFormatException ex = assertThrows(TraceFormatException.class, () ->
        {
            try (TraceReader reader = TraceReader.open(path))
            {
                final TracePacket packet = new TracePacket();
                while (reader.next(packet))
                {
                    assertTrue(packet.capturedLength >= 0);
                }
            }
        });
        assertEquals(path, ex.getPath());
        assertEquals(offset, ex.getOffset(), ex.getMessage());
        assertTrue(ex.getMessage().startsWith(path + ": byte " + offset + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(path.getFileName().toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(detail), ex.getMessage());
        return ex;
    }
}
