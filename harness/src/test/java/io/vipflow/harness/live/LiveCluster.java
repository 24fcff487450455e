package io.vipflow.harness.live;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.vipflow.Classifier;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Objects and probes for the live tests: Services in namespace {@code shop}, SYNs from fresh client ports. */
final class LiveCluster
{
    static final String NAMESPACE = "shop";
    /** How long a change may take to reach the classifier before a test fails. */
    static final long DEADLINE_NANOS = 10_000_000_000L;

    private final Classifier classifier;
    private final PacketTuple tuple = new PacketTuple();
    private final Decision decision = new Decision();
    private int clientPort = 10_000;

    LiveCluster(final Classifier classifier)
    {
        this.classifier = classifier;
    }

    /** A CRUD-mode mock API server on the loopback address ({@code port} 0: any free port), started. */
    static KubernetesMockServer mockServer(final KubernetesCrudDispatcher dispatcher, final int port)
    {
        final KubernetesMockServer server =
            new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    /** A {@link WatchListener} that keeps every publish report and refusal, for the test thread to read. */
    static final class Recorder implements WatchListener
    {
        final List<PublishReport> publishes = new CopyOnWriteArrayList<>();
        final List<String> rejections = new CopyOnWriteArrayList<>();

        @Override
        public void onPublish(final PublishReport report)
        {
            publishes.add(report);
        }

        @Override
        public void onRejected(final String message)
        {
            rejections.add(message);
        }
    }

    static Service service(final String name, final String clusterIp, final int port)
    {
        return new ServiceBuilder()
            .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp)
            .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
            .endSpec().build();
    }

    static EndpointSlice slice(final String name, final String service, final String... ips)
    {
        final List<Endpoint> endpoints = new ArrayList<>();
        for (final String ip : ips)
        {
            endpoints.add(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
                .build());
        }
        return new EndpointSliceBuilder()
            .withNewMetadata().withName(name).withNamespace(NAMESPACE)
            .addToLabels("kubernetes.io/service-name", service).endMetadata()
            .withAddressType("IPv4")
            .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
            .withEndpoints(endpoints).build();
    }

    /**
     * Classifies a SYN to {@code ip:port} from a fresh client port.
     *
     * @return {@code DNAT 10.244.1.5:8080}, {@code REJECT no-endpoints}, {@code PASS}, ...
     */
    String probe(final String ip, final int port)
    {
        final long[] dst = Addresses.parse(ip);
        final long[] src = Addresses.parse("10.11.0.1");
        tuple.set(PacketTuple.PROTO_TCP, false, src[0], src[1], clientPort++, dst[0], dst[1], port,
            PacketTuple.TCP_SYN);
        if (clientPort > 60_000)
        {
            clientPort = 10_000;
        }
        classifier.classify(tuple, System.nanoTime(), decision);
        final Verdict verdict = decision.verdict();
        if (verdict == Verdict.DNAT)
        {
            return "DNAT " + decision.backend().name;
        }
        return verdict == Verdict.PASS ? "PASS" : verdict + " " + decision.reason().label;
    }

    /**
     * Probes until the answer is {@code expected}, failing after {@link #DEADLINE_NANOS}.
     */
    void await(final String ip, final int port, final String expected)
    {
        await(() -> probe(ip, port), expected);
    }

    static <T> void await(final Supplier<T> probe, final T expected)
    {
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        T last = probe.get();
        while (!expected.equals(last))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("expected " + expected + " within " + DEADLINE_NANOS / 1_000_000_000 + " s, last saw " + last);
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            last = probe.get();
        }
    }
}
