package io.vipflow.harness.trace;

import io.vipflow.harness.Fixtures;
import io.vipflow.harness.sample.ReplaySample;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay sample holds the same packets as classic pcap and as pcapng; both must read identically, and hold as
 * many packets as {@link ReplaySample} defines.
 */
class TraceFixtureTest
{
    private static final int PACKET_COUNT = ReplaySample.PACKETS;

    @Test
    void pcapAndPcapngHoldTheSamePackets() throws IOException
    {
        final Path dir = fixtureDirectory();
        final List<TracePacket> pcap = readAll(dir.resolve("trace.pcap"), PcapReader.class);
        final List<TracePacket> pcapng = readAll(dir.resolve("trace.pcapng"), PcapngReader.class);

        assertEquals(PACKET_COUNT, pcap.size());
        assertEquals(PACKET_COUNT, pcapng.size());
        for (int i = 0; i < PACKET_COUNT; i++)
        {
            final TracePacket a = pcap.get(i);
            final TracePacket b = pcapng.get(i);
            final String where = "packet " + i;
            assertEquals(a.capturedLength, b.capturedLength, where);
            assertEquals(a.originalLength, b.originalLength, where);
            assertEquals(a.linkType, b.linkType, where);
            assertEquals(a.timestampNanos, b.timestampNanos, where);
            assertArrayEquals(a.data, b.data, where);
            assertEquals(i, a.index, where);
            assertEquals(i, b.index, where);
        }
    }

    @Test
    void timestampsAreMonotoneAndPlausible() throws IOException
    {
        for (final String name : new String[]{"trace.pcap", "trace.pcapng"})
        {
            final List<TracePacket> packets = readAll(fixtureDirectory().resolve(name), TraceReader.class);
            // After 2001 and before 2100: catches a wrong unit, which would be off by a factor of 1000.
            assertTrue(packets.get(0).timestampNanos > 1_000_000_000L * 1_000_000_000L, name);
            assertTrue(packets.get(0).timestampNanos < 4_102_444_800L * 1_000_000_000L, name);
            for (int i = 1; i < packets.size(); i++)
            {
                assertTrue(packets.get(i).timestampNanos >= packets.get(i - 1).timestampNanos, name + " packet " + i);
            }
        }
    }

    @Test
    void recordOffsetsPointIntoTheFile() throws IOException
    {
        final Path pcap = fixtureDirectory().resolve("trace.pcap");
        final List<TracePacket> packets = readAll(pcap, TraceReader.class);
        assertEquals(PcapReader.FILE_HEADER_LENGTH, packets.get(0).fileOffset);
        for (int i = 1; i < packets.size(); i++)
        {
            final TracePacket previous = packets.get(i - 1);
            assertEquals(previous.fileOffset + PcapReader.RECORD_HEADER_LENGTH + previous.capturedLength,
                packets.get(i).fileOffset);
        }
        final TracePacket last = packets.get(packets.size() - 1);
        assertEquals(Files.size(pcap), last.fileOffset + PcapReader.RECORD_HEADER_LENGTH + last.capturedLength);
    }

    /** Reads every packet, keeping a trimmed copy of each so packets can be compared across files. */
    static List<TracePacket> readAll(final Path path, final Class<? extends TraceReader> expectedType)
        throws IOException
    {
        final List<TracePacket> packets = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(path))
        {
            assertInstanceOf(expectedType, reader);
            final TracePacket packet = new TracePacket(16);
            while (reader.next(packet))
            {
                final TracePacket copy = new TracePacket(0);
                copy.data = Arrays.copyOf(packet.data, packet.capturedLength);
                copy.capturedLength = packet.capturedLength;
                copy.originalLength = packet.originalLength;
                copy.linkType = packet.linkType;
                copy.interfaceId = packet.interfaceId;
                copy.timestampNanos = packet.timestampNanos;
                copy.index = packet.index;
                copy.fileOffset = packet.fileOffset;
                packets.add(copy);
            }
            assertFalse(reader.next(packet), "end of file is sticky");
            assertEquals(packets.size(), reader.packetCount());
        }
        return packets;
    }

    static Path fixtureDirectory()
    {
        return Fixtures.replaySample();
    }
}
