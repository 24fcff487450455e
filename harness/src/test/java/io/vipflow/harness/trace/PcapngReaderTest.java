package io.vipflow.harness.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.vipflow.harness.trace.PcapFile.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PcapngReaderTest
{
    private static final long SECONDS = 1_700_000_000L;
    private static final long NANOS = SECONDS * 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void readsEitherByteOrderWithDefaultMicroseconds() throws IOException
    {
        for (final ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN})
        {
            final PcapngFile file = new PcapngFile(order)
                .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 65535, -1, 0)
                .enhancedPacket(0, SECONDS * 1_000_000 + 123_456, 60, 1514, payload(60, 1));
            final TracePacket packet = readOne(file, order + ".pcapng");

            assertEquals(NANOS + 123_456_000L, packet.timestampNanos);
            assertEquals(60, packet.capturedLength);
            assertEquals(1514, packet.originalLength);
            assertEquals(TracePacket.LINKTYPE_ETHERNET, packet.linkType);
            assertEquals(0, packet.index);
            assertEquals(file.lastBlockOffset(), packet.fileOffset);
            assertArrayEquals(payload(60, 1), packet.data);
        }
    }

    @Test
    void nanosecondResolution() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, 9, 0)
            .enhancedPacket(0, NANOS + 7, payload(20, 0));
        assertEquals(NANOS + 7, readOne(file, "ns.pcapng").timestampNanos);
    }

    @Test
    void binaryResolutionOfTwoToTheMinusTwenty() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.BIG_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, 0x80 | 20, 0)
            .enhancedPacket(0, (SECONDS << 20) | (1 << 19), payload(20, 0))
            .enhancedPacket(0, (SECONDS << 20) | 1, payload(20, 1));
        final List<TracePacket> packets = readAll(file, "binary.pcapng");
        assertEquals(NANOS + 500_000_000L, packets.get(0).timestampNanos);
        assertEquals(NANOS + 953, packets.get(1).timestampNanos, "10^9 / 2^20 = 953.67, truncated");
    }

    @Test
    void timestampOffsetInSeconds() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, 9, SECONDS)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, 3, -10)
            .enhancedPacket(0, 5, payload(20, 0))
            .enhancedPacket(1, SECONDS * 1000 + 1, payload(20, 0));
        final List<TracePacket> packets = readAll(file, "offset.pcapng");
        assertEquals(NANOS + 5, packets.get(0).timestampNanos);
        assertEquals(NANOS - 10_000_000_000L + 1_000_000L, packets.get(1).timestampNanos);
    }

    @Test
    void twoInterfacesWithDifferentLinkTypes() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 65535, 6, 0)
            .interfaceBlock(TracePacket.LINKTYPE_LINUX_SLL, 262144, 9, 0)
            .enhancedPacket(1, NANOS + 1, payload(30, 1))
            .enhancedPacket(0, SECONDS * 1_000_000 + 2, payload(40, 2))
            .enhancedPacket(1, NANOS + 3000, payload(50, 3));
        final List<TracePacket> packets = readAll(file, "two.pcapng");

        final int[] linkTypes = {TracePacket.LINKTYPE_LINUX_SLL, TracePacket.LINKTYPE_ETHERNET, 113};
        final int[] interfaces = {1, 0, 1};
        final long[] times = {NANOS + 1, NANOS + 2000, NANOS + 3000};
        for (int i = 0; i < 3; i++)
        {
            assertEquals(linkTypes[i], packets.get(i).linkType);
            assertEquals(interfaces[i], packets.get(i).interfaceId);
            assertEquals(times[i], packets.get(i).timestampNanos);
            assertArrayEquals(payload(30 + 10 * i, i + 1), packets.get(i).data);
        }
    }

    @Test
    void simplePacketBlocksBelongToInterfaceZeroAndCarryNoTime() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.BIG_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_IPV4, 64, -1, 0)
            .interfaceBlock(TracePacket.LINKTYPE_IPV6, 0, -1, 0)
            .simplePacket(61, payload(61, 1))
            .simplePacket(1500, payload(64, 2));
        final List<TracePacket> packets = readAll(file, "spb.pcapng");

        assertEquals(61, packets.get(0).capturedLength);
        assertEquals(61, packets.get(0).originalLength);
        assertEquals(TracePacket.LINKTYPE_IPV4, packets.get(0).linkType);
        assertEquals(TracePacket.NO_TIMESTAMP, packets.get(0).timestampNanos);
        assertArrayEquals(payload(61, 1), packets.get(0).data);
        assertEquals(64, packets.get(1).capturedLength, "cut to interface 0's snap length");
        assertEquals(1500, packets.get(1).originalLength);
        assertArrayEquals(payload(64, 2), packets.get(1).data);
    }

    @Test
    void unknownBlocksAreSkipped() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.LITTLE_ENDIAN)
            .rawBlock(PcapngFile.NAME_RESOLUTION, new byte[]{0, 0, 0, 0})
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 0, -1, 0)
            .rawBlock(0x0000_0BAD, payload(200_000, 9))
            .enhancedPacket(0, 1, payload(60, 1))
            .rawBlock(PcapngFile.INTERFACE_STATISTICS, new byte[24])
            .rawBlock(0x4000_0BAD, new byte[0]);
        final long secondOffset = file.toBytes().length;
        file.enhancedPacket(0, 2, payload(70, 2)).rawBlock(0x0000_0BAD, new byte[8]);
        final List<TracePacket> packets = readAll(file, "unknown.pcapng");

        assertEquals(2, packets.size());
        assertArrayEquals(payload(60, 1), packets.get(0).data);
        assertArrayEquals(payload(70, 2), packets.get(1).data);
        assertEquals(1, packets.get(1).index);
        assertEquals(secondOffset, packets.get(1).fileOffset);
    }

    @Test
    void obsoletePacketBlock() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.BIG_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, -1, 0)
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 0, -1, 0)
            .obsoletePacket(1, SECONDS * 1_000_000, payload(33, 3));
        final TracePacket packet = readOne(file, "pb.pcapng");
        assertEquals(TracePacket.LINKTYPE_ETHERNET, packet.linkType);
        assertEquals(NANOS, packet.timestampNanos);
        assertArrayEquals(payload(33, 3), packet.data);
    }

    @Test
    void sectionsMayChangeByteOrderAndRenumberInterfaces() throws IOException
    {
        final PcapngFile file = new PcapngFile(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 0, -1, 0)
            .interfaceBlock(TracePacket.LINKTYPE_ETHERNET, 0, -1, 0)
            .enhancedPacket(1, SECONDS * 1_000_000, payload(40, 1))
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_LINUX_SLL2, 0, 9, 0)
            .enhancedPacket(0, NANOS + 1, payload(50, 2))
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceBlock(TracePacket.LINKTYPE_RAW, 0, -1, 0)
            .enhancedPacket(0, SECONDS * 1_000_000 + 1, payload(60, 3));
        final List<TracePacket> packets = readAll(file, "sections.pcapng");

        assertEquals(3, packets.size());
        final int[] linkTypes = {TracePacket.LINKTYPE_ETHERNET, TracePacket.LINKTYPE_LINUX_SLL2, 101};
        final long[] times = {NANOS, NANOS + 1, NANOS + 1000};
        for (int i = 0; i < 3; i++)
        {
            assertEquals(i, packets.get(i).index);
            assertEquals(linkTypes[i], packets.get(i).linkType);
            assertEquals(times[i], packets.get(i).timestampNanos);
            assertArrayEquals(payload(40 + 10 * i, i + 1), packets.get(i).data);
        }
    }

    private TracePacket readOne(final PcapngFile file, final String name) throws IOException
    {
        final List<TracePacket> packets = readAll(file, name);
        assertEquals(1, packets.size());
        return packets.get(0);
    }

    private List<TracePacket> readAll(final PcapngFile file, final String name) throws IOException
    {
        return TraceFixtureTest.readAll(Files.write(dir.resolve(name), file.toBytes()), PcapngReader.class);
    }
}
