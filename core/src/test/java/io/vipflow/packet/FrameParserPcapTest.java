package io.vipflow.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parses every packet of the replay sample's capture in place, straight out of the file's bytes, which exercises
 * non-zero offsets on a whole capture. The file is the one {@code vipflow sample} writes (clients in
 * 10.244.7.0/24, HTTP to 10.96.100.10:80, DNS to 10.96.100.53:53); the harness checks that this copy stays equal
 * to what the sample's definition produces.
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
        final byte[] file;
        try (InputStream in = FrameParserPcapTest.class.getResourceAsStream("/replay-sample/trace.pcap"))
        {
            assertNotNull(in, "replay-sample/trace.pcap on the test class path");
            file = in.readAllBytes();
        }
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

        assertTrue(tcp > 0 && tcp < packets, "both TCP and UDP flows, got " + tcp + " TCP of " + packets);
    }
}
