package io.vipflow.harness.live;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.ServicePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live source against an API server that keeps objects (create, update, delete, watch): the classifier follows
 * every change within {@link LiveCluster#DEADLINE_NANOS}.
 */
class KubeWatchTest
{
    /** Publish window: changes within 50 ms of the first pending one share a snapshot. */
    private static final long WINDOW_NANOS = 50_000_000L;

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    private final LiveCluster.Recorder recorder = new LiveCluster.Recorder();
    private final List<PublishReport> publishes = recorder.publishes;
    private final List<String> rejections = recorder.rejections;
    private KubernetesMockServer server;
    private KubernetesClient client;
    private LiveControlPlane live;
    private KubeWatch watch;
    private Classifier classifier;
    private LiveCluster cluster;

    @BeforeEach
    void start() throws Exception
    {
        server = LiveCluster.mockServer(dispatcher, 0);
        client = server.createClient();
        live = new LiveControlPlane(new ControlPlane("node-1", List.of(), "maglev", 1), WINDOW_NANOS,
            recorder);
        watch = KubeWatch.start(client, LiveCluster.NAMESPACE, live, Duration.ofSeconds(10));
        classifier = new Classifier(live.controlPlane(), ClassifierConfig.defaults());
        cluster = new LiveCluster(classifier);
    }

    @AfterEach
    void stop()
    {
        watch.close();
        live.close();
        classifier.close();
        client.close();
        server.destroy();
    }

    private void create(final Service s)
    {
        client.services().inNamespace(LiveCluster.NAMESPACE).resource(s).create();
    }

    private void create(final EndpointSlice s)
    {
        client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE).resource(s).create();
    }

    private void update(final EndpointSlice s)
    {
        client.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE).resource(s).update();
    }

    @Test
    void followsCreateUpdateAndDelete()
    {
        cluster.await("10.96.0.10", 80, "PASS");

        create(LiveCluster.service("web", "10.96.0.10", 80));
        create(LiveCluster.slice("web-1", "web", "10.244.1.5"));
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.5:8080");

        update(LiveCluster.slice("web-1", "web", "10.244.2.7"));
        cluster.await("10.96.0.10", 80, "DNAT 10.244.2.7:8080");

        update(LiveCluster.slice("web-1", "web"));
        cluster.await("10.96.0.10", 80, "REJECT no-endpoints");

        client.services().inNamespace(LiveCluster.NAMESPACE).withName("web").delete();
        cluster.await("10.96.0.10", 80, "PASS");
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    @Test
    void coalescesABurstIntoFewPublishes() throws Exception
    {
        create(LiveCluster.service("web", "10.96.0.10", 80));
        for (int k = 0; k < 10; k++)
        {
            create(LiveCluster.slice("web-" + k, "web", "10.244." + k + ".0"));
        }
        LiveCluster.await(() -> listed("shop/web:http").size(), 10);
        final int before = publishes.size();

        // 100 updates, ten slices rewritten ten times each, sent by ten clients at once as a controller would.
        final ExecutorService senders = Executors.newFixedThreadPool(10);
        try
        {
            final List<Future<?>> sent = new ArrayList<>();
            for (int k = 0; k < 10; k++)
            {
                final int slice = k;
                sent.add(senders.submit(() ->
                {
                    for (int round = 1; round <= 10; round++)
                    {
                        update(LiveCluster.slice("web-" + slice, "web", "10.244." + slice + "." + round));
                    }
                }));
            }
            for (final Future<?> f : sent)
            {
                f.get();
            }
        }
        finally
        {
            senders.shutdown();
        }
        final Set<String> expected = new TreeSet<>();
        for (int k = 0; k < 10; k++)
        {
            expected.add("10.244." + k + ".10:8080");
        }
        LiveCluster.await(() -> listed("shop/web:http"), expected);

        final int burstPublishes = publishes.size() - before;
        System.out.println("burst of 100 updates: " + burstPublishes + " publishes; " +
            ReactionStats.describe(live.reactionNanos()));
        assertTrue(burstPublishes <= 40, "100 updates took " + burstPublishes + " publishes");
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    /** Backends listed for a Service port in the published snapshot, by name. */
    private Set<String> listed(final String label)
    {
        final Set<String> names = new TreeSet<>();
        for (final ServicePort port : live.current().servicePorts())
        {
            if (port.label.equals(label))
            {
                for (int i = 0; i < port.listedCount(); i++)
                {
                    names.add(port.listed(i).name);
                }
            }
        }
        return names;
    }

    @Test
    void badUpdateKeepsTheLastValidVersion()
    {
        create(LiveCluster.service("web", "10.96.0.10", 80));
        create(LiveCluster.slice("web-1", "web", "10.244.1.5"));
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.5:8080");

        // Valid for the server's schema, refused by the API rules: the address is not of the slice's family.
        update(LiveCluster.slice("web-1", "web", "fd00::5"));
        LiveCluster.await(() -> rejections.size(), 1);
        assertTrue(rejections.get(0).contains("EndpointSlice shop/web-1: endpoints[0].addresses[0] 'fd00::5' is " +
            "IPv6 but the slice's addressType is IPv4"), rejections.get(0));
        assertEquals("DNAT 10.244.1.5:8080", cluster.probe("10.96.0.10", 80), "traffic stays on the old endpoint");

        // A later valid version is applied as usual.
        update(LiveCluster.slice("web-1", "web", "10.244.1.6"));
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.6:8080");
    }

    @Test
    void convergesAfterTheServerWasAway() throws Exception
    {
        create(LiveCluster.service("web", "10.96.0.10", 80));
        create(LiveCluster.slice("web-1", "web", "10.244.1.5"));
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.5:8080");
        LiveCluster.await(watch::isWatching, true);

        // The server goes away: every watch connection breaks.
        final int port = server.getPort();
        server.destroy();
        LiveCluster.await(watch::isWatching, false);

        // While it is away from the watch's address, the objects change (through a server on another port that
        // shares its store, which the watch never sees).
        final KubernetesMockServer elsewhere = LiveCluster.mockServer(dispatcher, 0);
        try (KubernetesClient other = elsewhere.createClient())
        {
            other.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE).resource(
                LiveCluster.slice("web-1", "web", "10.244.3.9")).update();
            other.services().inNamespace(LiveCluster.NAMESPACE).resource(
                LiveCluster.service("api", "10.96.0.20", 443)).create();
            other.discovery().v1().endpointSlices().inNamespace(LiveCluster.NAMESPACE).resource(
                LiveCluster.slice("api-1", "api", "10.244.4.4")).create();
        }
        finally
        {
            elsewhere.destroy();
        }
        assertEquals("DNAT 10.244.1.5:8080", cluster.probe("10.96.0.10", 80), "nothing seen during the outage");

        // The server comes back on the same address with the changed objects.
        server = LiveCluster.mockServer(dispatcher, port);

        cluster.await("10.96.0.10", 80, "DNAT 10.244.3.9:8080");
        cluster.await("10.96.0.20", 443, "DNAT 10.244.4.4:8080");
        LiveCluster.await(watch::isWatching, true);
    }
}
