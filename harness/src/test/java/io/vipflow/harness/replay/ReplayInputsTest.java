package io.vipflow.harness.replay;

import io.vipflow.harness.CliRun;
import io.vipflow.harness.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vipflow replay} on inputs that were once accepted wrongly or reported without their file: the exit code,
 * the one line on standard error and the files left behind.
 */
class ReplayInputsTest
{
    /** 10.96.0.80 as an int, the ClusterIP the captures below are sent to. */
    private static final int CLUSTER_IP = 0x0a600050;

    @TempDir
    Path dir;

    private CliRun replay(final Path cluster, final Path trace, final String... more)
    {
        final String[] args = Stream.concat(Stream.of("replay", "--cluster", cluster.toString(), "--trace",
            trace.toString(), "--decisions", dir.resolve("d.jsonl").toString()), Stream.of(more))
            .toArray(String[]::new);
        return CliRun.of(args);
    }

    private Path syns() throws IOException
    {
        return Files.write(dir.resolve("syns.pcap"), TestCaptures.syns(3, CLUSTER_IP, 80));
    }

    static void assertOneLine(final CliRun run, final int code, final String... fragments)
    {
        assertEquals(code, run.code(), run.err());
        final String line = run.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + run.err());
        assertFalse(line.contains("Exception"), line);
        for (final String f : fragments)
        {
            assertTrue(line.contains(f), "'" + f + "' in: " + line);
        }
    }

    private List<String> names() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void yamlAliasesAreResolvedSoTheSliceBelongsToItsService() throws IOException
    {
        final Path cluster = Files.writeString(dir.resolve("cluster.yaml"), """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: web, namespace: &ns shop}
              spec: {clusterIP: 10.96.0.80, ports: [{name: http, port: 80, targetPort: 8080}]}
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata: {name: web-1, namespace: *ns, labels: {kubernetes.io/service-name: web}}
              addressType: IPv4
              ports: [{name: http, port: 8080}]
              endpoints: [{addresses: [10.244.1.5]}]
            """);
        final CliRun run = replay(cluster, syns());
        assertEquals(0, run.code(), run.err());
        final List<String> lines = Files.readAllLines(dir.resolve("d.jsonl"));
        assertEquals(3, lines.size());
        for (final String line : lines)
        {
            assertTrue(line.contains("\"verdict\":\"DNAT\",\"service\":\"shop/web:http\"," +
                "\"backend\":\"10.244.1.5:8080\""), line);
        }
    }

    @Test
    void anEmptyClusterFileIsAnError() throws IOException
    {
        final Path empty = Files.writeString(dir.resolve("cluster.yaml"), "");
        assertOneLine(replay(empty, syns()), 2, "cluster.yaml", "holds no Services or EndpointSlices");
        assertEquals(List.of("cluster.yaml", "syns.pcap"), names());
        final Path pods = Files.writeString(dir.resolve("pods.json"),
            "{\"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}]}");
        assertOneLine(replay(pods, syns()), 2, "pods.json", "holds no Services or EndpointSlices");
    }
}
