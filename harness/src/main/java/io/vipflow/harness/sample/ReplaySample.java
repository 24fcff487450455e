package io.vipflow.harness.sample;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.harness.gen.KubeJson;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.testkit.Frames;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The replay sample, defined here in full: two Services, their EndpointSlices, three churn events and the client
 * side of 5.5 s of traffic. Everything is fixed (no randomness), so the files it writes are the same bytes on every
 * run, and every count a test needs follows from the constants below.
 * <ul>
 * <li>{@code store/frontend}: ClusterIP {@value #WEB_VIP}:80/TCP, endpoints 10.244.8.1, 10.244.8.2, 10.244.9.3 on
 * port 8080.</li>
 * <li>{@code kube-system/coredns}: ClusterIP {@value #DNS_VIP}:53/UDP, endpoint 10.244.8.53 on port 5353.</li>
 * <li>Traffic from 10.244.7.0/24: {@value #KEEP_ALIVE_CLIENTS} HTTP keep-alive connections open for the whole
 * trace, {@value #SHORT_CONNECTIONS} short connections (SYN, ACK, request, FIN, ACK) from
 * {@value #SHORT_CLIENTS} repeating clients, and {@value #DNS_QUERIES} DNS queries over UDP.</li>
 * <li>Churn: at {@value #TERMINATING_AT} s endpoint {@value #DRAINED_ENDPOINT} starts terminating and
 * {@value #ADDED_ENDPOINT} is added; at {@value #REMOVED_AT} s {@value #DRAINED_ENDPOINT} is removed; at
 * {@value #SERVICE_DELETED_AT} s the coredns Service is deleted.</li>
 * </ul>
 * Thread contract: stateless; any thread.
 */
public final class ReplaySample
{
    /** The web Service's ClusterIP. */
    public static final String WEB_VIP = "10.96.100.10";
    /** The DNS Service's ClusterIP. */
    public static final String DNS_VIP = "10.96.100.53";
    /** The endpoint that terminates, then leaves. */
    public static final String DRAINED_ENDPOINT = "10.244.8.1";
    /** The endpoint added while the other terminates. */
    public static final String ADDED_ENDPOINT = "10.244.9.4";
    /** Seconds after the first packet: {@link #DRAINED_ENDPOINT} terminating, {@link #ADDED_ENDPOINT} added. */
    public static final double TERMINATING_AT = 2.0;
    /** Seconds after the first packet: {@link #DRAINED_ENDPOINT} removed. */
    public static final double REMOVED_AT = 3.5;
    /** Seconds after the first packet: the coredns Service deleted. */
    public static final double SERVICE_DELETED_AT = 4.0;

    /** Connections open from the first millisecond to the end. */
    public static final int KEEP_ALIVE_CLIENTS = 8;
    /** Requests on each keep-alive connection, one every {@link #REQUEST_INTERVAL_MICROS}. */
    public static final int REQUESTS_PER_KEEP_ALIVE = 22;
    /** One short connection every {@link #SHORT_INTERVAL_MICROS}. */
    public static final int SHORT_CONNECTIONS = 135;
    /** Client addresses the short connections and DNS queries take in turn. */
    public static final int SHORT_CLIENTS = 8;
    /** One query every {@link #DNS_INTERVAL_MICROS}. */
    public static final int DNS_QUERIES = 55;
    /** Packets of a keep-alive connection: SYN, ACK, then per request the request and an ACK of the answer. */
    public static final int PACKETS_PER_KEEP_ALIVE = 2 + 2 * REQUESTS_PER_KEEP_ALIVE;
    /** Packets of a short connection: SYN, ACK, request, FIN, ACK. */
    public static final int PACKETS_PER_SHORT = 5;
    /** Every packet of the capture. */
    public static final int PACKETS = KEEP_ALIVE_CLIENTS * PACKETS_PER_KEEP_ALIVE +
        SHORT_CONNECTIONS * PACKETS_PER_SHORT + DNS_QUERIES;
    /** TCP packets of the capture (the rest are DNS queries). */
    public static final int TCP_PACKETS = PACKETS - DNS_QUERIES;

    static final long REQUEST_INTERVAL_MICROS = 250_000;
    static final long SHORT_INTERVAL_MICROS = 40_000;
    static final long DNS_INTERVAL_MICROS = 100_000;
    /** The first packet's time: 2026-11-24 00:00:00 UTC. */
    static final long START_MICROS = 1_795_478_400_000_000L;

    private static final String FRONTEND_SLICE = "frontend-a1b2c";
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: frontend.store\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];
    /** Four-space indents, {@code "name": value}: the way {@code kubectl get -o json} prints. */
    private static final DefaultPrettyPrinter KUBECTL_STYLE = new DefaultPrettyPrinter(
        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withArrayEmptySeparator("").withObjectEmptySeparator(""))
        .withObjectIndenter(new DefaultIndenter("    ", "\n")).withArrayIndenter(new DefaultIndenter("    ", "\n"));

    private ReplaySample()
    {
    }

    /** @return the two Services and their slices at the start of the trace. */
    public static ClusterObjects cluster()
    {
        return new ClusterObjects(List.of(frontend(), coredns()), List.of(
            frontendSlice(endpoint(DRAINED_ENDPOINT, "node-x", true), endpoint("10.244.8.2", "node-x", true),
                endpoint("10.244.9.3", "node-y", true)),
            new EndpointSliceSpec("kube-system", "coredns-x9y8z", "coredns", false,
                List.of(new EndpointPortSpec("dns", 5353, Protocol.UDP)),
                List.of(endpoint("10.244.8.53", "node-x", true)))),
            0);
    }

    /** @return the churn, in time order. */
    public static List<ChurnEvent> churn()
    {
        return List.of(
            ChurnEvent.of(TERMINATING_AT, ChurnEvent.Type.MODIFIED, frontendSlice(
                endpoint(DRAINED_ENDPOINT, "node-x", false), endpoint("10.244.8.2", "node-x", true),
                endpoint("10.244.9.3", "node-y", true), endpoint(ADDED_ENDPOINT, "node-y", true))),
            ChurnEvent.of(REMOVED_AT, ChurnEvent.Type.MODIFIED, frontendSlice(
                endpoint("10.244.8.2", "node-x", true), endpoint("10.244.9.3", "node-y", true),
                endpoint(ADDED_ENDPOINT, "node-y", true))),
            ChurnEvent.of(SERVICE_DELETED_AT, ChurnEvent.Type.DELETED, coredns()));
    }

    /** @return every client packet, in time order. */
    public static List<CaptureWriter.Frame> frames()
    {
        final List<CaptureWriter.Frame> frames = new ArrayList<>(PACKETS);
        final int web = address(WEB_VIP);
        for (int i = 0; i < KEEP_ALIVE_CLIENTS; i++)
        {
            final long opened = i * 7_000L;
            final Connection c = new Connection(address("10.244.7." + (10 + i)), 41000 + i, web, 80, i);
            c.handshake(frames, opened);
            for (int k = 0; k < REQUESTS_PER_KEEP_ALIVE; k++)
            {
                c.request(frames, opened + 100_000 + k * REQUEST_INTERVAL_MICROS);
            }
        }
        for (int k = 0; k < SHORT_CONNECTIONS; k++)
        {
            final long opened = 120_000 + k * SHORT_INTERVAL_MICROS;
            final Connection c = new Connection(shortClient(k), 50000 + k, web, 80, 100 + k);
            c.handshake(frames, opened);
            c.requestAndClose(frames, opened);
        }
        final int dns = address(DNS_VIP);
        for (int q = 0; q < DNS_QUERIES; q++)
        {
            frames.add(new CaptureWriter.Frame(START_MICROS + 50_000 + q * DNS_INTERVAL_MICROS,
                Frames.udp(shortClient(q), 45000 + q, dns, 53, dnsQuery(q))));
        }
        frames.sort(Comparator.comparingLong(CaptureWriter.Frame::timestampMicros));   // stable: ties keep order
        return frames;
    }

    /** Writes {@code cluster.json}, {@code churn.jsonl}, {@code trace.pcap} and {@code trace.pcapng} into dir. */
    public static void write(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final ObjectMapper json = new ObjectMapper();
        final String cluster =
            json.writer(KUBECTL_STYLE).writeValueAsString(json.readTree(KubeJson.clusterFile(cluster()))) + "\n";
        Files.writeString(dir.resolve("cluster.json"), cluster, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("churn.jsonl"), KubeJson.churnFile(churn(), cluster().slices()),
            StandardCharsets.UTF_8);
        final List<CaptureWriter.Frame> frames = frames();
        Files.write(dir.resolve("trace.pcap"), CaptureWriter.pcap(frames));
        Files.write(dir.resolve("trace.pcapng"), CaptureWriter.pcapng(frames));
    }

    private static ServiceSpec frontend()
    {
        return ServiceSpec.clusterIp("store", "frontend", WEB_VIP, new ServicePortSpec("http", 80, Protocol.TCP, 0));
    }

    private static ServiceSpec coredns()
    {
        return ServiceSpec.clusterIp("kube-system", "coredns", DNS_VIP,
            new ServicePortSpec("dns", 53, Protocol.UDP, 0));
    }

    private static EndpointSliceSpec frontendSlice(final EndpointSpec... endpoints)
    {
        return new EndpointSliceSpec("store", FRONTEND_SLICE, "frontend", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), List.of(endpoints));
    }

    /** A ready endpoint, or one that is terminating but still serving (draining). */
    private static EndpointSpec endpoint(final String address, final String node, final boolean ready)
    {
        return new EndpointSpec(List.of(address), ready, true, !ready, node, "zone-a");
    }

    private static int shortClient(final int k)
    {
        return address("10.244.7." + (100 + k % SHORT_CLIENTS));
    }

    private static int address(final String dotted)
    {
        int a = 0;
        for (final String part : dotted.split("\\."))
        {
            a = a << 8 | Integer.parseInt(part);
        }
        return a;
    }

    /** A standard query (RD set) for the A record of frontend.store.svc.cluster.local (RFC 1035 section 4.1). */
    private static byte[] dnsQuery(final int id)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte)(id >>> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (final String label : "frontend.store.svc.cluster.local".split("\\."))
        {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    /** The client side of one TCP connection: sequence and acknowledgment numbers follow the bytes exchanged. */
    private static final class Connection
    {
        private static final int ANSWER_BYTES = 1000;

        private final int client;
        private final int clientPort;
        private final int server;
        private final int serverPort;
        private final int serverIsn;
        private int seq;
        private int received;

        Connection(final int client, final int clientPort, final int server, final int serverPort, final int id)
        {
            this.client = client;
            this.clientPort = clientPort;
            this.server = server;
            this.serverPort = serverPort;
            this.seq = 1_000_000 * (id + 1);
            this.serverIsn = 7_000_000 * (id + 1);
        }

        /** SYN, then the ACK of the server's SYN-ACK 1 ms later. */
        void handshake(final List<CaptureWriter.Frame> frames, final long at)
        {
            send(frames, at, Frames.SYN, NOTHING);
            seq++;
            received++;
            send(frames, at + 1_000, Frames.ACK, NOTHING);
        }

        /** The request, then the ACK of the answer 2 ms later. */
        void request(final List<CaptureWriter.Frame> frames, final long at)
        {
            send(frames, at, Frames.PSH | Frames.ACK, REQUEST);
            received += ANSWER_BYTES;
            send(frames, at + 2_000, Frames.ACK, NOTHING);
        }

        /** The request, FIN 5 ms after the SYN, and the ACK of the server's FIN. */
        void requestAndClose(final List<CaptureWriter.Frame> frames, final long opened)
        {
            send(frames, opened + 1_200, Frames.PSH | Frames.ACK, REQUEST);
            received += ANSWER_BYTES;
            send(frames, opened + 5_000, Frames.FIN | Frames.ACK, NOTHING);
            seq++;
            received++;
            send(frames, opened + 6_000, Frames.ACK, NOTHING);
        }

        private void send(final List<CaptureWriter.Frame> frames, final long at, final int flags, final byte[] payload)
        {
            final int ack = (flags & Frames.ACK) != 0 ? serverIsn + received : 0;
            frames.add(new CaptureWriter.Frame(START_MICROS + at,
                Frames.tcp(client, clientPort, server, serverPort, flags, seq, ack, payload)));
            seq += payload.length;
        }
    }
}
