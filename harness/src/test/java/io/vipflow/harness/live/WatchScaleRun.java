package io.vipflow.harness.live;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vipflow.service.ControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live path at cluster scale, a measurement rather than a CI test (it takes minutes; run it with
 * {@code -Dvipflow.scale=true -Dtest=WatchScaleRun}, see bench/RESULTS.md): the mock API server holds
 * {@code vipflow.scale.services} Services (default 10,000) with one slice of ten endpoints each; the watch starts,
 * and the time to its first published snapshot is printed; then single slice changes are made one at a time, each
 * awaited, and the reaction times the watch reports (receipt of the change to the end of its publish) are printed
 * as percentiles, with the time beyond the coalescing window. It asserts only that every object arrived and every
 * change was published.
 */
@EnabledIfSystemProperty(named = "vipflow.scale", matches = "true")
class WatchScaleRun
{
    private static final long WINDOW_NANOS = 20_000_000L;
    private static final int ENDPOINTS = 10;
    private static final int CHANGES = 300;
    /** Held so that the level set on it stays: the mock server logs every request at INFO otherwise. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    @Test
    void watchAtScale() throws Exception
    {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        final int services = Integer.getInteger("vipflow.scale.services", 10_000);
        final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
        final KubernetesMockServer server = LiveCluster.mockServer(dispatcher, 0);
        try (KubernetesClient client = server.createClient())
        {
            final long loadStart = System.nanoTime();
            final ExecutorService senders = Executors.newFixedThreadPool(8);
            final List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < 8; t++)
            {
                final int first = t;
                sent.add(senders.submit(() ->
                {
                    for (int s = first; s < services; s += 8)
                    {
                        client.services().inNamespace(LiveCluster.NAMESPACE)
                            .resource(LiveCluster.service("svc-" + s, ipv4(0x0A600000 + s), 80)).create();
                        client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE)
                            .resource(slice(s, 0)).create();
                    }
                }));
            }
            for (final Future<?> f : sent)
            {
                f.get();
            }
            senders.shutdown();
            System.out.printf("loaded %,d Services and %,d slices into the mock API server in %.1f s%n", services,
                services, (System.nanoTime() - loadStart) / 1e9);

            final LiveCluster.Recorder recorder = new LiveCluster.Recorder();
            final long start = System.nanoTime();
            try (LiveControlPlane live = new LiveControlPlane(
                new ControlPlane("node-1", List.of(), "maglev", 1), WINDOW_NANOS, recorder);
                 KubeWatch watch = KubeWatch.start(client, LiveCluster.NAMESPACE, live, Duration.ofMinutes(5)))
            {
                final double firstSnapshot = (System.nanoTime() - start) / 1e9;
                assertEquals(services, live.current().servicePorts().size());
                System.out.printf("first snapshot (%,d Services, %,d slices) %.2f s after start%n",
                    recorder.publishes.get(0).services(), recorder.publishes.get(0).slices(), firstSnapshot);

                final long[] reaction = new long[CHANGES];
                for (int c = 0; c < CHANGES; c++)
                {
                    final int before = recorder.publishes.size();
                    client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE)
                        .resource(slice((c * 7919) % services, c + 1)).update();
                    LiveCluster.await(() -> recorder.publishes.size() > before, true);
                    final PublishReport report = recorder.publishes.get(before);
                    assertEquals(1, report.changes());
                    reaction[c] = report.oldestNanos();
                }
                Arrays.sort(reaction);
                System.out.printf("single slice changes: %d, window %d ms; reaction p50 %.2f ms, p99 %.2f ms, " +
                    "max %.2f ms; beyond the window p50 %.2f ms, p99 %.2f ms%n", CHANGES, WINDOW_NANOS / 1_000_000,
                    reaction[CHANGES / 2] / 1e6, reaction[CHANGES * 99 / 100] / 1e6, reaction[CHANGES - 1] / 1e6,
                    (reaction[CHANGES / 2] - WINDOW_NANOS) / 1e6, (reaction[CHANGES * 99 / 100] - WINDOW_NANOS) / 1e6);
                assertTrue(recorder.rejections.isEmpty(), recorder.rejections::toString);
            }
        }
        finally
        {
            server.destroy();
        }
    }

    /** Service {@code s}'s slice; {@code version} moves its first endpoint to another address. */
    private static EndpointSlice slice(final int s, final int version)
    {
        final String[] ips = new String[ENDPOINTS];
        for (int e = 0; e < ENDPOINTS; e++)
        {
            ips[e] = ipv4(0x0B000000 + s * ENDPOINTS + e);
        }
        if (version > 0)
        {
            ips[0] = ipv4(0x0D000000 + version);
        }
        return LiveCluster.slice("svc-" + s + "-1", "svc-" + s, ips);
    }

    private static String ipv4(final int a)
    {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }
}
