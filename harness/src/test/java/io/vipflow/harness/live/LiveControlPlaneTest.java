package io.vipflow.harness.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.service.ControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control-plane side of the watch, fed directly: ordering, refusals, coalescing. */
class LiveControlPlaneTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveCluster.Recorder recorder = new LiveCluster.Recorder();
    private final List<PublishReport> publishes = recorder.publishes;
    private final List<String> rejections = recorder.rejections;
    private LiveControlPlane live;
    private Classifier classifier;
    private LiveCluster cluster;

    private void start(final long windowNanos)
    {
        live = new LiveControlPlane(new ControlPlane("node-1", List.of(), "maglev", 1), windowNanos,
            recorder);
        classifier = new Classifier(live.controlPlane(), ClassifierConfig.defaults());
        cluster = new LiveCluster(classifier);
    }

    @AfterEach
    void stop()
    {
        live.close();
        classifier.close();
    }

    private static JsonNode service(final int port)
    {
        return tree("{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"web\", " +
            "\"namespace\": \"shop\"}, \"spec\": {\"clusterIP\": \"10.96.0.10\", \"ports\": [{\"name\": \"http\", " +
            "\"port\": " + port + "}]}}");
    }

    private static JsonNode slice(final String address)
    {
        return tree("{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", \"addressType\": " +
            "\"IPv4\", \"metadata\": {\"name\": \"web-1\", \"namespace\": \"shop\", \"labels\": " +
            "{\"kubernetes.io/service-name\": \"web\"}}, \"ports\": [{\"name\": \"http\", \"port\": 8080}], " +
            "\"endpoints\": [{\"addresses\": [\"" + address + "\"]}]}");
    }

    private static JsonNode tree(final String json)
    {
        try
        {
            return JSON.readTree(json);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void sliceForAnUnknownServiceWaitsForTheService()
    {
        start(0);
        live.submit(ChurnEvent.Type.ADDED, slice("10.244.1.5"), System.nanoTime());
        LiveCluster.await(() -> publishes.size(), 1);
        assertEquals("PASS", cluster.probe("10.96.0.10", 80), "no Service, no frontend");

        live.submit(ChurnEvent.Type.ADDED, service(80), System.nanoTime());
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.5:8080");
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    @Test
    void badServiceUpdateKeepsThePreviousVersion()
    {
        start(0);
        live.submit(ChurnEvent.Type.ADDED, service(80), System.nanoTime());
        live.submit(ChurnEvent.Type.ADDED, slice("10.244.1.5"), System.nanoTime());
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.5:8080");

        live.submit(ChurnEvent.Type.MODIFIED, service(70000), System.nanoTime());
        LiveCluster.await(() -> rejections.size(), 1);
        assertEquals("MODIFIED Service shop/web: spec.ports[0].port 70000 out of range 1..65535", rejections.get(0));
        assertEquals("DNAT 10.244.1.5:8080", cluster.probe("10.96.0.10", 80), "traffic stays on the old endpoint");

        // The refusal did not stop the stream: the next valid change applies.
        live.submit(ChurnEvent.Type.MODIFIED, service(81), System.nanoTime());
        cluster.await("10.96.0.10", 81, "DNAT 10.244.1.5:8080");
        // The ClusterIP no longer serves 80: nftables' cluster-ips-check rejects it.
        assertEquals("REJECT unserved-port", cluster.probe("10.96.0.10", 80));
    }

    @Test
    void changesWithinTheWindowShareOnePublish() throws Exception
    {
        start(300_000_000L);
        live.submit(ChurnEvent.Type.ADDED, service(80), System.nanoTime());
        for (int i = 1; i <= 100; i++)
        {
            live.submit(ChurnEvent.Type.MODIFIED, slice("10.244.1." + i), System.nanoTime());
        }
        cluster.await("10.96.0.10", 80, "DNAT 10.244.1.100:8080");
        // The listener hears of a publish just after readers see it.
        LiveCluster.await(() -> publishes.stream().mapToInt(PublishReport::changes).sum(), 101);
        assertTrue(publishes.size() <= 3, publishes::toString);
        for (final PublishReport p : publishes)
        {
            assertTrue(p.oldestNanos() >= p.newestNanos(), p::toString);
        }
        final long[] reactions = live.reactionNanos();
        assertEquals(101, reactions.length);
        // The first change waited out the whole window.
        assertTrue(reactions[0] >= 300_000_000L, () -> Long.toString(reactions[0]));
    }

    @Test
    void heldChangesArePublishedTogether() throws Exception
    {
        start(0);
        live.hold();
        live.submit(ChurnEvent.Type.ADDED, service(80), System.nanoTime());
        live.submit(ChurnEvent.Type.ADDED, slice("10.244.1.5"), System.nanoTime());
        live.reactionNanos();   // both applied: the control-plane thread has run them
        assertEquals("PASS", cluster.probe("10.96.0.10", 80), "nothing published while held");

        live.publishNow();
        assertEquals("DNAT 10.244.1.5:8080", cluster.probe("10.96.0.10", 80));
        assertEquals(1, publishes.size());
        assertEquals(2, publishes.get(0).changes());
    }

    @Test
    void changesAfterCloseAreDropped()
    {
        start(0);
        live.close();
        live.submit(ChurnEvent.Type.ADDED, service(80), System.nanoTime());
        assertEquals(0, publishes.size());
    }
}
