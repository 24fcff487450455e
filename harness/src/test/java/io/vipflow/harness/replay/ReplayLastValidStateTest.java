package io.vipflow.harness.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A churn event whose object breaks a rule is refused and the object keeps its last valid version: traffic goes on
 * to the old endpoints, and later valid events still apply.
 */
class ReplayLastValidStateTest
{
    private static final int VIP = 0x0a60000a;      // 10.96.0.10

    private static final String CLUSTER = """
        {"kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "http", "port": 80}]}},
          {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
           "metadata": {"name": "web-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
           "ports": [{"name": "http", "port": 8080}], "endpoints": [{"addresses": ["10.244.1.5"]}]}]}
        """;

    private static String slice(final String address)
    {
        return "{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", \"addressType\": \"IPv4\", " +
            "\"metadata\": {\"name\": \"web-1\", \"namespace\": \"shop\", \"labels\": " +
            "{\"kubernetes.io/service-name\": \"web\"}}, \"ports\": [{\"name\": \"http\", \"port\": 8080}], " +
            "\"endpoints\": [{\"addresses\": [\"" + address + "\"]}]}";
    }

    @TempDir
    Path tmp;

    @Test
    void refusedUpdatesKeepTheOldEndpoints() throws Exception
    {
        // Packets at 0..5 ms; churn at 1.5 ms (Service with a port out of range), 2.5 ms (IPv6 address in an IPv4
        // slice), 3.5 ms (slice of 1001 endpoints) and 4.5 ms (a valid move to 10.244.1.6).
        final StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 1001; i++)
        {
            huge.append(i == 0 ? "" : ", ").append("{\"addresses\": [\"10.245.").append(i / 256).append('.')
                .append(i % 256).append("\"]}");
        }
        final String churn = String.join("\n",
            "{\"at\": 0.0015, \"type\": \"MODIFIED\", \"object\": {\"apiVersion\": \"v1\", \"kind\": \"Service\", " +
                "\"metadata\": {\"name\": \"web\", \"namespace\": \"shop\"}, \"spec\": {\"clusterIP\": " +
                "\"10.96.0.10\", \"ports\": [{\"name\": \"http\", \"port\": 70000}]}}}",
            "{\"at\": 0.0025, \"type\": \"MODIFIED\", \"object\": " + slice("fd00::6") + "}",
            "{\"at\": 0.0035, \"type\": \"MODIFIED\", \"object\": " +
                slice("10.244.1.7").replace("[{\"addresses\": [\"10.244.1.7\"]}]", "[" + huge + "]") + "}",
            "{\"at\": 0.0045, \"type\": \"MODIFIED\", \"object\": " + slice("10.244.1.6") + "}");
        final Path clusterFile = tmp.resolve("cluster.json");
        final Path churnFile = tmp.resolve("churn.jsonl");
        final Path trace = tmp.resolve("trace.pcap");
        final Path decisions = tmp.resolve("d.jsonl");
        Files.writeString(clusterFile, CLUSTER);
        Files.writeString(churnFile, churn);
        final List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            packets.add(syn(0x0a0b0001, 40000 + i, VIP, 80));
        }
        Files.write(trace, pcap(packets));

        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        final int code;
        try
        {
            code = Main.execute("replay", "--cluster", clusterFile.toString(), "--trace", trace.toString(),
                "--churn", churnFile.toString(), "--decisions", decisions.toString());
        }
        finally
        {
            System.setErr(err);
        }
        final String stderr = captured.toString(StandardCharsets.UTF_8);

        assertEquals(0, code, stderr);
        final String[] lines = stderr.strip().split("\n");
        assertEquals(3, lines.length, stderr);
        assertTrue(lines[0].contains("line 1, column ") && lines[0].contains("(Service shop/web): " +
            "spec.ports[0].port 70000 out of range 1..65535"), lines[0]);
        assertTrue(lines[1].contains("line 2, column ") && lines[1].contains("(EndpointSlice shop/web-1): " +
            "endpoints[0].addresses[0] 'fd00::6' is IPv6 but the slice's addressType is IPv4"), lines[1]);
        assertTrue(lines[2].contains("line 3, column ") && lines[2].contains("(EndpointSlice shop/web-1): " +
            "endpoints has 1001 entries; at most 1000 are allowed in one slice"), lines[2]);

        final ObjectMapper json = new ObjectMapper();
        final List<String> backends = new ArrayList<>();
        for (final String line : Files.readAllLines(decisions))
        {
            backends.add(json.readTree(line).path("backend").asText("-"));
        }
        assertEquals(List.of("10.244.1.5:8080", "10.244.1.5:8080", "10.244.1.5:8080", "10.244.1.5:8080",
            "10.244.1.5:8080", "10.244.1.6:8080"), backends);

        // --strict ends at the first refused object instead.
        assertEquals(2, Main.execute("replay", "--cluster", clusterFile.toString(), "--trace", trace.toString(),
            "--churn", churnFile.toString(), "--decisions", decisions.toString(), "--strict"));
    }

    /** An IPv4/TCP SYN without options or payload (raw IP link type). */
    private static byte[] syn(final int src, final int srcPort, final int dst, final int dstPort)
    {
        final ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN);
        b.put((byte)0x45).put((byte)0).putShort((short)40).putInt(0).put((byte)64).put((byte)6).putShort((short)0);
        b.putInt(src).putInt(dst);
        b.putShort((short)srcPort).putShort((short)dstPort).putInt(1).putInt(0);
        b.put((byte)0x50).put((byte)0x02).putShort((short)65535).putInt(0);
        return b.array();
    }

    /** Classic little-endian microsecond pcap, link type 101 (raw IP), one packet per millisecond from 0. */
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
            b.putInt(1_800_000_000).putInt(usec).putInt(p.length).putInt(p.length).put(p);
            usec += 1000;
        }
        return b.array();
    }
}
