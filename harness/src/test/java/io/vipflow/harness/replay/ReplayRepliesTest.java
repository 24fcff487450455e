package io.vipflow.harness.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.harness.Fixtures;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A capture taken on a node holds both directions. The backend's answer to a DNATed flow is matched to the flow
 * and reported as REPLY with the frontend it is rewritten to; answers from other backends are not ours (PASS).
 */
class ReplayRepliesTest
{
    private static final int CLIENT = 0x0af40705;   // 10.244.7.5
    private static final int VIP = 0x0a60640a;      // 10.96.100.10
    private static final int[] BACKENDS = {0x0af40801, 0x0af40802, 0x0af40903}; // 10.244.8.1, .8.2, .9.3

    @TempDir
    Path tmp;

    @Test
    void onlyTheChosenBackendsAnswerIsAReply() throws IOException
    {
        final List<byte[]> packets = new ArrayList<>();
        packets.add(tcp(CLIENT, 40000, VIP, 80, 0x02));
        for (final int backend : BACKENDS)
        {
            packets.add(tcp(backend, 8080, CLIENT, 40000, 0x12));
        }
        final Path trace = tmp.resolve("both-directions.pcap");
        Files.write(trace, pcap(packets));
        final Path decisions = tmp.resolve("d.jsonl");
        assertEquals(0, Main.execute("replay", "--cluster",
            Fixtures.replaySample().resolve("cluster.json").toString(), "--trace", trace.toString(),
            "--decisions", decisions.toString()));
        final ObjectMapper json = new ObjectMapper();
        final List<JsonNode> ds = new ArrayList<>();
        for (final String line : Files.readAllLines(decisions))
        {
            ds.add(json.readTree(line));
        }
        assertEquals("DNAT", ds.get(0).get("verdict").asText());
        final String chosen = ds.get(0).get("backend").asText();
        int replies = 0;
        for (int i = 1; i < ds.size(); i++)
        {
            final JsonNode d = ds.get(i);
            if (d.get("src").asText().equals(chosen))
            {
                assertEquals("REPLY", d.get("verdict").asText(), d.toString());
                assertEquals("10.96.100.10:80", d.get("frontend").asText());
                assertEquals("store/frontend:http", d.get("service").asText());
                replies++;
            }
            else
            {
                assertEquals("PASS", d.get("verdict").asText(), d.toString());
            }
        }
        assertEquals(1, replies);
    }

    /** An IPv4/TCP packet without options or payload (raw IP link type). */
    private static byte[] tcp(final int src, final int srcPort, final int dst, final int dstPort, final int flags)
    {
        final ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN);
        b.put((byte)0x45).put((byte)0).putShort((short)40).putInt(0).put((byte)64).put((byte)6).putShort((short)0);
        b.putInt(src).putInt(dst);
        b.putShort((short)srcPort).putShort((short)dstPort).putInt(1).putInt(0);
        b.put((byte)0x50).put((byte)flags).putShort((short)65535).putInt(0);
        return b.array();
    }

    /** Classic little-endian microsecond pcap, link type 101 (raw IP), one packet per millisecond. */
    private static byte[] pcap(final List<byte[]> packets)
    {
        int size = 24;
        for (final byte[] p : packets)
        {
            size += 16 + p.length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(101);
        int usec = 0;
        for (final byte[] p : packets)
        {
            b.putInt(1_800_000_000).putInt(usec += 1000).putInt(p.length).putInt(p.length).put(p);
        }
        return b.array();
    }
}
