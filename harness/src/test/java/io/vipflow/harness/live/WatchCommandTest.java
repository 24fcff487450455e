package io.vipflow.harness.live;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHintsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vipflow.harness.Main;
import io.vipflow.harness.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vipflow watch} end to end: its output lines, and one clear line when the server cannot be used. */
class WatchCommandTest
{
    @TempDir
    Path tmp;

    /** Exit code, standard output, standard error. */
    private static String[] run(final String... args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try
        {
            final int code = Main.execute(args);
            return new String[] {Integer.toString(code), capturedOut.toString(StandardCharsets.UTF_8),
                capturedErr.toString(StandardCharsets.UTF_8)};
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path kubeconfig(final String server) throws Exception
    {
        final Path file = tmp.resolve("kubeconfig");
        Files.writeString(file, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster: {server: "%s"}
            users:
            - name: test
              user: {token: secret}
            contexts:
            - name: test
              context: {cluster: test, user: test}
            current-context: test
            """.formatted(server));
        return file;
    }

    private static void assertOneLine(final String[] result, final String... fragments)
    {
        assertEquals("2", result[0], result[2]);
        final String[] lines = result[2].strip().split("\n");
        assertEquals(1, lines.length, "one line, no stack trace: " + result[2]);
        for (final String f : fragments)
        {
            assertTrue(lines[0].contains(f), "'" + f + "' in: " + lines[0]);
        }
        assertFalse(lines[0].contains("Exception"), lines[0]);
    }

    @Test
    void printsDecisionsAndPublishesForSyntheticTraffic() throws Exception
    {
        final KubernetesMockServer server = LiveCluster.mockServer(new KubernetesCrudDispatcher(), 0);
        try (KubernetesClient client = server.createClient())
        {
            client.services().inNamespace(LiveCluster.NAMESPACE)
                .resource(LiveCluster.service("web", "10.96.0.10", 80)).create();
            client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE)
                .resource(LiveCluster.slice("web-1", "web", "10.244.1.5")).create();

            final String[] result = run("watch", "--kubeconfig", kubeconfig(client.getMasterUrl().toString())
                .toString(), "--synthetic-rate", "200", "--duration", "1.5", "--window", "20");

            assertEquals("0", result[0], result[2]);
            assertTrue(result[1].contains("\"event\":\"publish\""), result[1]);
            assertTrue(result[1].contains("\"reaction_ms\":"), result[1]);
            assertTrue(result[1].contains("\"dst\":\"10.96.0.10:80\",\"verdict\":\"DNAT\"," +
                "\"service\":\"shop/web:http\",\"backend\":\"10.244.1.5:8080\",\"flow\":\"NEW\""), result[1]);
            // The first list is published as one snapshot before any packet.
            assertTrue(result[1].startsWith("{\"event\":\"publish\""), result[1]);
            assertTrue(result[1].contains("\"generation\":1,\"changes\":2,\"services\":1,\"slices\":1"),
                result[1]);
            assertTrue(result[2].startsWith("vipflow watch: ") && result[2].contains(" publishes, 0 rejected; "),
                result[2]);
        }
        finally
        {
            server.destroy();
        }
    }

    /**
     * Without {@code --node-zone} the zone is the Node's {@code topology.kubernetes.io/zone} label, read before the
     * first publish and followed: new flows go to the endpoint hinted for the node's zone, and to the other one
     * once the label changes (kube-proxy {@code pkg/proxy/topology.go} {@code CategorizeEndpoints}).
     */
    @Test
    void followsTheNodeZoneForEndpointSliceHints() throws Exception
    {
        final KubernetesMockServer server = LiveCluster.mockServer(new KubernetesCrudDispatcher(), 0);
        try (KubernetesClient client = server.createClient())
        {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1")
                .addToLabels("topology.kubernetes.io/zone", "zone-b").endMetadata().build()).create();
            client.services().inNamespace(LiveCluster.NAMESPACE)
                .resource(LiveCluster.service("web", "10.96.0.10", 80)).create();
            final EndpointSlice slice = LiveCluster.slice("web-1", "web", "10.244.1.5", "10.244.2.5");
            slice.getEndpoints().get(0).setHints(new EndpointHintsBuilder().addNewForZone().withName("zone-a")
                .endForZone().build());
            slice.getEndpoints().get(1).setHints(new EndpointHintsBuilder().addNewForZone().withName("zone-b")
                .endForZone().build());
            client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE).resource(slice).create();
            // Relabel once the watch follows the Node (its watch request has arrived) and has sent traffic a while.
            final Thread relabel = new Thread(() ->
            {
                try
                {
                    for (RecordedRequest r = server.takeRequest(20, TimeUnit.SECONDS); r != null;
                        r = server.takeRequest(20, TimeUnit.SECONDS))
                    {
                        if (r.getPath().startsWith("/api/v1/nodes") && r.getPath().contains("watch=true"))
                        {
                            break;
                        }
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                LockSupport.parkNanos(1_000_000_000L);
                client.nodes().withName("node-1").edit(n -> new NodeBuilder(n).editMetadata()
                    .addToLabels("topology.kubernetes.io/zone", "zone-a").endMetadata().build());
            });
            relabel.start();
            final String[] result = run("watch", "--kubeconfig", kubeconfig(client.getMasterUrl().toString())
                .toString(), "--node-name", "node-1", "--synthetic-rate", "100", "--duration", "4", "--window", "20");
            relabel.join();

            assertEquals("0", result[0], result[2]);
            assertFalse(result[2].contains("cannot read Node"), result[2]);
            final List<String> backends = result[1].lines().filter(l -> l.contains("\"verdict\":\"DNAT\""))
                .map(l -> l.contains("10.244.2.5:8080") ? "zone-b" : "zone-a").toList();
            assertFalse(backends.isEmpty(), result[1]);
            final int firstA = backends.indexOf("zone-a");
            assertTrue(firstA > 0, "flows start in zone-b: " + backends);
            assertEquals(List.of("zone-a"), backends.subList(firstA, backends.size()).stream().distinct().toList(),
                "after the relabel every new flow goes to zone-a: " + backends);
        }
        finally
        {
            server.destroy();
        }
    }

    @Test
    void playsATraceAgainstTheWatchedServices() throws Exception
    {
        final KubernetesMockServer server = LiveCluster.mockServer(new KubernetesCrudDispatcher(), 0);
        try (KubernetesClient client = server.createClient())
        {
            client.services().inNamespace(LiveCluster.NAMESPACE)
                .resource(LiveCluster.service("web", "10.96.0.10", 80)).create();
            client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE)
                .resource(LiveCluster.slice("web-1", "web", "10.244.1.5")).create();
            final Path trace = tmp.resolve("syns.pcap");
            Files.write(trace, TestCaptures.syns(3, 0x0a60000a, 80));

            final String[] result = run("watch", "--kubeconfig", kubeconfig(client.getMasterUrl().toString())
                .toString(), "--namespace", LiveCluster.NAMESPACE, "--trace", trace.toString());

            assertEquals("0", result[0], result[2]);
            int decisions = 0;
            for (final String line : result[1].split("\n"))
            {
                if (line.startsWith("{\"index\":"))
                {
                    assertTrue(line.contains("\"verdict\":\"DNAT\",\"service\":\"shop/web:http\"," +
                        "\"backend\":\"10.244.1.5:8080\""), line);
                    decisions++;
                }
            }
            assertEquals(3, decisions, result[1]);
        }
        finally
        {
            server.destroy();
        }
    }

    @Test
    void unreachableServerIsOneLine() throws Exception
    {
        final int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = free.getLocalPort();
        }
        assertOneLine(run("watch", "--kubeconfig", kubeconfig("http://127.0.0.1:" + port).toString(),
            "--sync-timeout", "5"), "127.0.0.1:" + port, "connection refused");
    }

    @Test
    void aServerThatNeverSendsTheBodyOfTheFirstRequestEndsWithinTheSyncTimeout() throws Exception
    {
        try (StallingServer server = new StallingServer(request -> false))
        {
            final String[] result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("watch",
                "--kubeconfig", kubeconfig(server.url()).toString(), "--sync-timeout", "1", "--duration", "1"));
            assertOneLine(result, server.url(), "no answer", "within 1 s", "waiting for the Services list");
        }
    }

    @Test
    void aServerThatNeverSendsTheBodyOfTheFullListEndsWithinTheSyncTimeout() throws Exception
    {
        // The access check (limit=1) is answered; the informers' full lists stall.
        try (StallingServer server = new StallingServer(request -> request.contains("limit=1")))
        {
            final String[] result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("watch",
                "--kubeconfig", kubeconfig(server.url()).toString(), "--sync-timeout", "1", "--duration", "1"));
            assertOneLine(result, server.url(), "within 1 s", "list");
        }
    }

    /**
     * After the first lists, each resource's first watch is accepted and closed a second later; every later watch
     * is refused with {@code 410 Gone}, so the informers list again, and those lists stall after their headers: the command keeps deciding with the state it has, says once per resource
     * that its watch is down, and still ends at {@code --duration}.
     */
    @Test
    void aRelistThatStallsAfterTheFirstSyncIsReportedAndTheRunStillEnds() throws Exception
    {
        final java.util.Set<String> listed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.Set<String> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (StallingServer server = StallingServer.replying(request ->
        {
            if (request.contains("limit=1"))
            {
                return StallingServer.Reply.LIST;
            }
            if (request.contains("watch=true"))
            {
                return watched.add(request.contains("endpointslices") ? "slices" : "services") ?
                    StallingServer.Reply.WATCH_THEN_CLOSE : StallingServer.Reply.GONE;
            }
            return listed.add(request.contains("endpointslices") ? "slices" : "services") ?
                StallingServer.Reply.LIST : StallingServer.Reply.STALL;
        }))
        {
            final long start = System.nanoTime();
            final String[] result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("watch",
                "--kubeconfig", kubeconfig(server.url()).toString(), "--sync-timeout", "1", "--duration", "5",
                "--synthetic-rate", "50"));
            assertEquals("0", result[0], result[2]);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "ended near --duration");
            for (final String resource : new String[] {"Services", "EndpointSlices"})
            {
                assertEquals(1, result[2].lines().filter(l -> l.contains("warning: no " + resource + " watch for 1 s")
                    && l.contains(server.url())).count(), result[2]);
            }
        }
    }

    @Test
    void badKubeconfigIsOneLine() throws Exception
    {
        final Path bad = tmp.resolve("bad-kubeconfig");
        Files.writeString(bad, "clusters: [this is: not: valid");
        assertOneLine(run("watch", "--kubeconfig", bad.toString()), "bad-kubeconfig");
        assertOneLine(run("watch", "--kubeconfig", tmp.resolve("absent").toString()), "absent", "no such file");
        final Path noServer = tmp.resolve("no-server");
        Files.writeString(noServer, "apiVersion: v1\nkind: Config\n");
        assertOneLine(run("watch", "--kubeconfig", noServer.toString()), "no-server", "current-context");
    }
}
