package io.vipflow.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Parses every packet of the shared replay sample in place, straight out of the file's bytes, which exercises
 * non-zero offsets on real traffic.
 */
class FrameParserPcapTest
{
    private static final int PCAP_MAGIC = 0xa1b2c3d4;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int LINK_TYPE_OFFSET = 20;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int INCL_LEN_OFFSET = 8;
    private static final int ORIG_LEN_OFFSET = 12;

    private static final long[] CLIENTS = Addresses.parse("10.244.7.0");
    private static final long[] WEB_VIP = Addresses.parse("10.96.100.10");
    private static final long[] DNS_VIP = Addresses.parse("10.96.100.53");

    @Test
    void everyPacketOfTheReplaySampleIsAServiceFlowFromTheClientSubnet() throws IOException
    {
        final Path pcap = findFixture("replay-sample/trace.pcap");
        assumeTrue(null != pcap, "replay sample not found above " + Path.of("").toAbsolutePath());

        final byte[] file = Files.readAllBytes(pcap);
        final ByteBuffer le = ByteBuffer.wrap(file).order(LITTLE_ENDIAN);
        assertEquals(PCAP_MAGIC, le.getInt(0));
        final int linkType = le.getInt(LINK_TYPE_OFFSET);
        assertEquals(LinkType.ETHERNET, linkType);

        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        final PacketTuple fromArray = new PacketTuple();
        final PacketTuple fromBuffer = new PacketTuple();
        int packets = 0;
        int tcp = 0;
        for (int record = GLOBAL_HEADER_LENGTH; record < file.length; packets++)
        {
            final int captured = le.getInt(record + INCL_LEN_OFFSET);
            final int wire = le.getInt(record + ORIG_LEN_OFFSET);
            final int frame = record + RECORD_HEADER_LENGTH;
            final String which = "packet " + packets;

            assertEquals(FrameParser.OK, FrameParser.parse(file, frame, captured, wire, linkType, fromArray), which);
            assertEquals(FrameParser.OK, FrameParser.parse(buffer, frame, captured, wire, linkType, fromBuffer), which);
            assertEquals(ParseChecks.fields(fromArray), ParseChecks.fields(fromBuffer), which);

            final PacketTuple t = fromArray;
            assertTrue(Addresses.inPrefix(t.srcHi, t.srcLo, CLIENTS[0], CLIENTS[1], 96 + 24), which + ": " + t);
            if (PacketTuple.PROTO_TCP == t.protocol)
            {
                tcp++;
                assertEquals(WEB_VIP[1], t.dstLo, which + ": " + t);
                assertEquals(80, t.dstPort, which + ": " + t);
            }
            else
            {
                assertEquals(PacketTuple.PROTO_UDP, t.protocol, which + ": " + t);
                assertEquals(DNS_VIP[1], t.dstLo, which + ": " + t);
                assertEquals(53, t.dstPort, which + ": " + t);
            }
            assertEquals(0, t.dstHi);
            record = frame + captured;
        }

        assertEquals(802, packets);
        assertTrue(tcp > 0 && tcp < packets, "both TCP and UDP flows, got " + tcp + " TCP of " + packets);
    }

    /** Looks for {@code shared/fixtures/<name>} in the working directory and each of its parents. */
    private static Path findFixture(final String name)
    {
        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("shared").resolve("fixtures").resolve(name);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
