package io.vipflow.harness.replay;

import io.vipflow.harness.Fixtures;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --proxy-mode} reaches the control plane, and a bad value is one line with exit code 2. */
class ReplayProxyModeTest
{
    @TempDir
    Path tmp;

    private int replay(final String out, final String... more)
    {
        final Path sample = Fixtures.replaySample();
        final List<String> args = new java.util.ArrayList<>(List.of("replay", "--cluster",
            sample.resolve("cluster.json").toString(), "--trace", sample.resolve("trace.pcap").toString(),
            "--churn", sample.resolve("churn.jsonl").toString(), "--decisions", tmp.resolve(out).toString(),
            "--scheduler", "rr"));
        args.addAll(List.of(more));
        return Main.execute(args.toArray(new String[0]));
    }

    /**
     * Under {@code rr} the default profile walks the backends in name order, the IPVS profile in the order the
     * kernel's list has after kube-proxy's sorted adds at the head (descending), so the first new flows differ.
     */
    @Test
    void ipvsModeChangesTheRrSequence() throws Exception
    {
        assertEquals(0, replay("nft.jsonl"));
        assertEquals(0, replay("ipvs.jsonl", "--proxy-mode", "IPVS"));
        final List<String> nft = Files.readAllLines(tmp.resolve("nft.jsonl"));
        final List<String> ipvs = Files.readAllLines(tmp.resolve("ipvs.jsonl"));
        assertEquals(nft.size(), ipvs.size());
        assertNotEquals(nft, ipvs);
    }

    @Test
    void unknownModeIsRefused()
    {
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            assertEquals(2, replay("d.jsonl", "--proxy-mode", "userspace"));
        }
        finally
        {
            System.setErr(err);
        }
        final String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertTrue(text.contains("--proxy-mode") && text.contains("userspace") && !text.contains("Exception"), text);
    }
}
