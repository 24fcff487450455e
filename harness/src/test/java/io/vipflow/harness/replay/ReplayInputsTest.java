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

    private static String service(final String name, final String spec)
    {
        return "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"" + name +
            "\", \"namespace\": \"shop\"}, \"spec\": " + spec + "}";
    }

    private Path cluster(final String... objects) throws IOException
    {
        return Files.writeString(dir.resolve("cluster.json"), "{\"kind\": \"List\", \"items\": [\n" +
            String.join(",\n", objects) + "]}\n");
    }

    @Test
    void aMissingTraceOrADirectoryAsTraceIsNamed() throws IOException
    {
        final Path cluster = cluster(service("web", "{\"clusterIP\": \"10.96.0.80\", \"ports\": [{\"port\": 80}]}"));
        assertOneLine(replay(cluster, dir.resolve("nope.pcap")), 2, dir.resolve("nope.pcap") + ": no such file");
        final Path sub = Files.createDirectory(dir.resolve("captures"));
        assertOneLine(replay(cluster, sub), 2, sub + ": is a directory");
        assertFalse(Files.exists(dir.resolve("d.jsonl")));
    }

    @Test
    void anIpv4MappedClusterIpIsRefusedWithTheServiceAndField() throws IOException
    {
        assertOneLine(replay(cluster(service("web", "{\"clusterIP\": \"::ffff:10.96.0.80\", \"ports\": " +
            "[{\"port\": 80}]}")), syns()), 2, "cluster.json: line 2", "Service shop/web",
            "spec.clusterIP '::ffff:10.96.0.80' is an IPv4-mapped IPv6 address");
    }

    @Test
    void aTargetPortOutOfRangeIsRefusedWithTheServiceAndField() throws IOException
    {
        assertOneLine(replay(cluster(service("web", "{\"clusterIP\": \"10.96.0.80\", \"ports\": " +
            "[{\"port\": 80, \"targetPort\": 65536}]}")), syns()), 2, "cluster.json: line 2", "Service shop/web",
            "spec.ports[0].targetPort 65536 out of range 1..65535");
        assertOneLine(replay(cluster(service("web", "{\"clusterIP\": \"10.96.0.80\", \"ports\": " +
            "[{\"port\": 80, \"targetPort\": \"Not_A_Name\"}]}")), syns()), 2, "spec.ports[0].targetPort " +
            "'Not_A_Name' is neither a port number nor a port name");
    }

    @Test
    void aServiceTakingAnothersClusterIpIsRefused() throws IOException
    {
        final String web = service("web", "{\"clusterIP\": \"10.96.0.80\", \"ports\": [{\"port\": 80}]}");
        assertOneLine(replay(cluster(web, service("api", "{\"clusterIP\": \"10.96.0.80\", \"ports\": " +
            "[{\"port\": 81}]}")), syns()), 2, "cluster.json: line 3", "Service shop/api",
            "spec.clusterIP", "'10.96.0.80' is already allocated to Service shop/web");

        final Path churn = Files.writeString(dir.resolve("churn.jsonl"), "{\"at\": 0, \"type\": \"ADDED\", " +
            "\"object\": " + service("api", "{\"clusterIP\": \"10.96.0.80\", \"ports\": [{\"port\": 81}]}") +
            "}\n");
        final Path cluster = cluster(web);
        assertOneLine(replay(cluster, syns(), "--churn", churn.toString(), "--strict"), 2, "churn.jsonl: event 1",
            "ADDED Service shop/api", "spec.clusterIPs[0] '10.96.0.80' is already allocated to Service shop/web");
        // Without --strict the event is left out and the replay goes on with the earlier state.
        final CliRun lenient = replay(cluster, syns(), "--churn", churn.toString());
        assertEquals(0, lenient.code(), lenient.err());
        assertTrue(lenient.err().contains("vipflow: rejected: ") && lenient.err().contains("already allocated"),
            lenient.err());
    }

    @Test
    void aChurnEventChangingAClusterIpIsRefused() throws IOException
    {
        final Path churn = Files.writeString(dir.resolve("churn.jsonl"), "{\"at\": 0, \"type\": \"MODIFIED\", " +
            "\"object\": " + service("web", "{\"clusterIP\": \"10.96.0.99\", \"ports\": [{\"port\": 80}]}") +
            "}\n");
        assertOneLine(replay(cluster(service("web", "{\"clusterIP\": \"10.96.0.80\", \"ports\": " +
            "[{\"port\": 80}]}")), syns(), "--churn", churn.toString(), "--strict"), 2, "churn.jsonl: event 1",
            "MODIFIED Service shop/web", "spec.clusterIPs[0] '10.96.0.99' would replace '10.96.0.80'", "immutable");
        assertFalse(Files.exists(dir.resolve("d.jsonl")));
    }
}
