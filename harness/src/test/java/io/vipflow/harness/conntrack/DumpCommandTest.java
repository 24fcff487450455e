package io.vipflow.harness.conntrack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;
import io.vipflow.harness.Main;
import io.vipflow.packet.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DumpCommandTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_800_000_000L * SECOND;
    private static final String NOW = Long.toString(T0 + 10 * SECOND);

    private static final String[] EXPECTED =
    {
        "TCP 10.11.0.1:40000 10.96.0.10:80 backend=3 ESTABLISHED expires_in=890.000 age=10.000",
        "TCP 10.11.0.2:40001 10.96.0.10:80 backend=4 SYN_RECV expires_in=50.000 age=10.000",
        "UDP 10.11.0.3:5353 10.96.0.53:53 backend=7 UDP expires_in=290.500 age=9.500",
        "TCP [fd00::7]:443 [fd00:96::10]:8443 backend=9 ESTABLISHED expires_in=899.999 age=0.001",
    };
    private static final String SUMMARY = "# live=4 expired=1 ESTABLISHED=2 SYN_RECV=1 UDP=1";

    @TempDir
    Path tmp;

    /** The flows both table kinds hold: four live, one expired at {@link #NOW}. */
    private interface Sink
    {
        void put(FlowKey key, int backend, int state, long expiry, long created);
    }

    private static void fill(final Sink sink)
    {
        sink.put(v4(6, "10.11.0.1", 40000, "10.96.0.10", 80), 3, ConnState.ESTABLISHED, T0 + 900 * SECOND, T0);
        sink.put(v4(6, "10.11.0.2", 40001, "10.96.0.10", 80), 4, ConnState.SYN_RECV, T0 + 60 * SECOND, T0);
        sink.put(v4(17, "10.11.0.3", 5353, "10.96.0.53", 53), 7, ConnState.UDP, T0 + 300_500_000_000L,
            T0 + 500_000_000L);
        final long[] src = Addresses.parse("fd00::7");
        final long[] dst = Addresses.parse("fd00:96::10");
        sink.put(new FlowKey().set(FlowKey.familyProtocol(6, true), src[0], src[1], 443, dst[0], dst[1], 8443), 9,
            ConnState.ESTABLISHED, T0 + 909_999_000_000L, T0 + 9_999_000_000L);
        sink.put(v4(6, "10.11.0.9", 1, "10.96.0.10", 80), 5, ConnState.TIME_WAIT, T0 + 5 * SECOND, T0);
    }

    private static FlowKey v4(final int protocol, final String src, final int srcPort, final String dst,
        final int dstPort)
    {
        return new FlowKey().set(protocol, 0, Addresses.ipv4Lo(Addresses.parseIpv4(src)), srcPort, 0,
            Addresses.ipv4Lo(Addresses.parseIpv4(dst)), dstPort);
    }

    private Path vipflowTable()
    {
        final Path file = tmp.resolve("conntrack.table");
        try (ConnTable table = ConnTable.mapped(file, 100))
        {
            final ConnView view = new ConnView();
            fill((key, backend, state, expiry, created) ->
                table.getOrCreate(key, backend, state, expiry, created, view));
        }
        return file;
    }

    /** Runs the command line; returns exit code, standard output, standard error. */
    private static String[] run(final String... args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try
        {
            final int code = Main.execute(args);
            return new String[] {Integer.toString(code), stdout.toString(StandardCharsets.UTF_8),
                stderr.toString(StandardCharsets.UTF_8)};
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void assertDump(final String[] result)
    {
        assertEquals("0", result[0], result[2]);
        final List<String> lines = new ArrayList<>(result[1].lines().toList());
        assertEquals(SUMMARY, lines.remove(lines.size() - 1));
        lines.sort(null);
        final List<String> expected = new ArrayList<>(List.of(EXPECTED));
        expected.sort(null);
        assertEquals(expected, lines);
    }

    @Test
    void dumpsAVipflowTableAsText()
    {
        assertDump(run("conntrack", "dump", "--file", vipflowTable().toString(), "--now-nanos", NOW));
    }

    @Test
    void dumpsAVipflowTableAsJsonLines() throws Exception
    {
        final String[] result = run("conntrack", "dump", "--file", vipflowTable().toString(), "--now-nanos", NOW,
            "--json");
        assertEquals("0", result[0], result[2]);
        final ObjectMapper mapper = new ObjectMapper();
        final List<String> lines = result[1].lines().toList();
        assertEquals(5, lines.size());
        final JsonNode summary = mapper.readTree(lines.get(4)).get("summary");
        assertEquals(4, summary.get("live").asInt());
        assertEquals(1, summary.get("expired").asInt());
        assertEquals(2, summary.get("states").get("ESTABLISHED").asInt());
        boolean seen = false;
        for (final String line : lines.subList(0, 4))
        {
            final JsonNode entry = mapper.readTree(line);
            if (entry.get("client").asText().equals("10.11.0.3:5353"))
            {
                seen = true;
                assertEquals("UDP", entry.get("proto").asText());
                assertEquals("10.96.0.53:53", entry.get("frontend").asText());
                assertEquals(7, entry.get("backend").asInt());
                assertEquals("UDP", entry.get("state").asText());
                assertEquals(290.5, entry.get("expires_in").asDouble());
                assertEquals(9.5, entry.get("age").asDouble());
            }
        }
        assertTrue(seen, result[1]);
    }

    @Test
    void dumpsAChronicleTableWhileItsWriterHasItOpen()
    {
        final Path file = tmp.resolve("conntrack.cmap");
        try (ChronicleConnTable table = ChronicleConnTable.open(file, 1000))
        {
            final ChronicleConnView view = new ChronicleConnView();
            fill((key, backend, state, expiry, created) ->
                table.getOrCreate(key, backend, state, expiry, created, view));
            assertDump(run("conntrack", "dump", "--file", file.toString(), "--now-nanos", NOW));
            assertDump(run("conntrack", "dump", "--file", file.toString(), "--now-nanos", NOW,
                "--format", "chronicle"));
        }
    }

    @Test
    void aMissingFileIsOneLineAndExitCodeTwo()
    {
        final Path missing = tmp.resolve("nope.table");
        assertOneLine(run("conntrack", "dump", "--file", missing.toString()), missing.toString(), "no such file");
    }

    @Test
    void aFileThatIsNoTableIsOneLineAndExitCodeTwo() throws Exception
    {
        final Path junk = tmp.resolve("junk.table");
        Files.write(junk, new byte[8192]);
        assertOneLine(run("conntrack", "dump", "--file", junk.toString()), junk.toString(),
            "not a connection table");
        final Path shortFile = tmp.resolve("short.table");
        Files.writeString(shortFile, "hello");
        assertOneLine(run("conntrack", "dump", "--file", shortFile.toString()), shortFile.toString(),
            "shorter than its header");
        assertOneLine(run("conntrack", "dump", "--file", vipflowTable().toString(), "--format", "chronicle"),
            "conntrack.table", "not a Chronicle connection table");
        final Path empty = tmp.resolve("empty.cmap");
        Files.createFile(empty);
        assertOneLine(run("conntrack", "dump", "--file", empty.toString(), "--format", "chronicle"),
            empty.toString(), "empty file");
        assertEquals(0, Files.size(empty), "an inspector never writes");
    }

    private static void assertOneLine(final String[] result, final String... fragments)
    {
        assertEquals("2", result[0], result[2]);
        assertEquals("", result[1], "nothing on standard output");
        final List<String> lines = result[2].strip().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + result[2]);
        for (final String f : fragments)
        {
            assertTrue(lines.get(0).contains(f), "'" + f + "' in: " + lines.get(0));
        }
        assertFalse(lines.get(0).contains("Exception"), lines.get(0));
    }
}
