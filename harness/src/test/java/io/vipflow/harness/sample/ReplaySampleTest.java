package io.vipflow.harness.sample;

import io.vipflow.harness.Fixtures;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sample files kept in the repository are exactly what the sample's definition writes, and the frames in
 * them are well formed.
 */
class ReplaySampleTest
{
    private static final List<String> FILES = List.of("cluster.json", "churn.jsonl", "trace.pcap", "trace.pcapng");

    @TempDir
    Path tmp;

    @Test
    void theKeptFilesAreWhatTheSampleCommandWrites() throws IOException
    {
        assertEquals(0, Main.execute("sample", "--out", tmp.resolve("out").toString()));
        for (final String name : FILES)
        {
            assertArrayEquals(Files.readAllBytes(Fixtures.replaySample().resolve(name)),
                Files.readAllBytes(tmp.resolve("out").resolve(name)),
                name + " differs from what 'vipflow sample' writes: rewrite the fixture with it");
        }
        // The core module parses the same capture; tests run in the module folder, so core is a sibling.
        assertArrayEquals(Files.readAllBytes(Path.of("../core/src/test/resources/replay-sample/trace.pcap")),
            Files.readAllBytes(tmp.resolve("out").resolve("trace.pcap")), "core's copy of trace.pcap");
    }

    @Test
    void framesCountAsDefinedAndCarryValidIpv4Checksums()
    {
        final List<CaptureWriter.Frame> frames = ReplaySample.frames();
        assertEquals(ReplaySample.PACKETS, frames.size());
        int udp = 0;
        for (final CaptureWriter.Frame f : frames)
        {
            final byte[] b = f.bytes();
            long sum = 0;
            for (int i = 14; i < 34; i += 2)
            {
                sum += (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
            }
            while (sum >>> 16 != 0)
            {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            assertEquals(0xffff, sum, "IPv4 header checksum");
            udp += b[23] == 17 ? 1 : 0;
        }
        assertEquals(ReplaySample.DNS_QUERIES, udp);
        assertEquals(ReplaySample.TCP_PACKETS, frames.size() - udp);
    }
}
