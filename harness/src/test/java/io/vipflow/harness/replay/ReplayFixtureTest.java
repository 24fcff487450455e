package io.vipflow.harness.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.harness.Fixtures;
import io.vipflow.harness.Main;
import io.vipflow.harness.sample.ReplaySample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays the replay sample ({@link ReplaySample}: store/frontend over TCP and coredns over UDP) with its churn: at
 * 2.0 s 10.244.8.1 starts terminating and 10.244.9.4 is added, at 3.5 s 10.244.8.1 is removed, at 4.0 s the
 * coredns Service is deleted. The assertions are docs/SEMANTICS.md §3-§4 read against every decision.
 */
class ReplayFixtureTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REMOVED = ReplaySample.DRAINED_ENDPOINT + ":8080";

    @TempDir
    Path tmp;

    private List<JsonNode> replay(final String trace, final String cluster, final String... extra) throws IOException
    {
        final Path sample = Fixtures.replaySample();
        final Path out = tmp.resolve(trace + ".decisions.jsonl");
        final List<String> args = new ArrayList<>(List.of("replay", "--cluster", cluster == null ?
            sample.resolve("cluster.json").toString() : cluster, "--trace", sample.resolve(trace).toString(),
            "--churn", sample.resolve("churn.jsonl").toString(), "--decisions", out.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, Main.execute(args.toArray(new String[0])));
        final List<JsonNode> decisions = new ArrayList<>();
        for (final String line : Files.readAllLines(out))
        {
            decisions.add(JSON.readTree(line));
        }
        return decisions;
    }

    @Test
    void everyPacketGetsOneDecisionInTraceOrder() throws IOException
    {
        final List<JsonNode> ds = replay("trace.pcap", null);
        assertEquals(ReplaySample.PACKETS, ds.size());
        double lastTime = 0;
        for (int i = 0; i < ds.size(); i++)
        {
            final JsonNode d = ds.get(i);
            assertEquals(i, d.get("index").asInt());
            assertTrue(d.get("time").asDouble() >= lastTime);
            lastTime = d.get("time").asDouble();
            assertTrue(Set.of("TCP", "UDP").contains(d.get("proto").asText()));
            assertNotNull(d.get("src"));
            assertNotNull(d.get("dst"));
            final String verdict = d.get("verdict").asText();
            assertEquals(verdict.equals("DNAT"), d.has("backend"), "backend only with DNAT: " + d);
            assertEquals(verdict.equals("DNAT"), d.has("flow"));
            assertEquals(verdict.equals("DROP") || verdict.equals("REJECT"), d.has("reason"), d.toString());
        }
    }

    @Test
    void pcapAndPcapngGiveIdenticalDecisions() throws IOException
    {
        assertEquals(replay("trace.pcap", null), replay("trace.pcapng", null));
    }

    @Test
    void decisionsFollowTheChurnSemantics() throws IOException
    {
        final List<JsonNode> ds = replay("trace.pcap", null);
        final double start = ds.get(0).get("time").asDouble();
        final Map<String, String> backendOfFlow = new HashMap<>();
        final Set<String> newSeen = new HashSet<>();
        int removedDrops = 0;
        int afterDeletion = 0;
        for (final JsonNode d : ds)
        {
            final double at = d.get("time").asDouble() - start;
            final String flow = d.get("proto").asText() + " " + d.get("src").asText() + " " + d.get("dst").asText();
            final String verdict = d.get("verdict").asText();
            final boolean dns = d.get("dst").asText().equals(ReplaySample.DNS_VIP + ":53");
            if (dns && at >= ReplaySample.SERVICE_DELETED_AT)
            {
                // The coredns Service is deleted: its frontend stops matching.
                assertEquals("PASS", verdict, d.toString());
                assertFalse(d.has("service"));
                afterDeletion++;
                continue;
            }
            if (verdict.equals("DROP"))
            {
                assertEquals("backend-removed", d.get("reason").asText());
                assertEquals(REMOVED, backendOfFlow.get(flow), "only flows of the removed pod are dropped");
                assertTrue(at >= ReplaySample.REMOVED_AT);
                backendOfFlow.remove(flow);
                removedDrops++;
                continue;
            }
            assertEquals("DNAT", verdict, d.toString());
            final String backend = d.get("backend").asText();
            if (at >= ReplaySample.REMOVED_AT)
            {
                assertNotEquals(REMOVED, backend, "a removed backend never receives a packet again: " + d);
            }
            if (at >= ReplaySample.TERMINATING_AT && d.get("flow").asText().equals("NEW"))
            {
                assertNotEquals(REMOVED, backend, "a terminating endpoint takes no new flows: " + d);
            }
            final String previous = backendOfFlow.get(flow);
            if (d.get("flow").asText().equals("ESTABLISHED"))
            {
                assertEquals(previous, backend, "an established flow stays while its backend is listed: " + d);
            }
            else
            {
                newSeen.add(flow);
            }
            backendOfFlow.put(flow, backend);
        }
        assertTrue(removedDrops >= 1, "a keep-alive client of the removed pod must be seen being dropped");
        assertTrue(afterDeletion > 0);
        assertTrue(newSeen.size() > 100);
        final long terminatingEstablished = ds.stream().filter(d -> d.has("backend") &&
            d.get("backend").asText().equals(REMOVED) && d.get("flow").asText().equals("ESTABLISHED") &&
            d.get("time").asDouble() - start >= ReplaySample.TERMINATING_AT &&
            d.get("time").asDouble() - start < ReplaySample.REMOVED_AT).count();
        assertTrue(terminatingEstablished > 0, "flows of the terminating pod keep going to it while it drains");
    }

    @Test
    void clientIpAffinitySendsEachClientsNewConnectionsToOneBackend() throws IOException
    {
        final String cluster = Files.readString(Fixtures.replaySample().resolve("cluster.json"))
            .replaceAll("\"sessionAffinity\"\\s*:\\s*\"None\"", "\"sessionAffinity\": \"ClientIP\"");
        final Path file = tmp.resolve("affinity.json");
        Files.writeString(file, cluster);
        final List<JsonNode> ds = replay("trace.pcap", file.toString(), "--scheduler", "rr");
        final double start = ds.get(0).get("time").asDouble();
        final Map<String, String> backendOfClient = new HashMap<>();
        int checked = 0;
        for (final JsonNode d : ds)
        {
            if (!d.has("flow") || !d.get("flow").asText().equals("NEW") || !d.get("proto").asText().equals("TCP"))
            {
                continue;
            }
            final String src = d.get("src").asText();
            final String client = src.substring(0, src.lastIndexOf(':'));
            final String backend = d.get("backend").asText();
            final String previous = backendOfClient.put(client, backend);
            final double at = d.get("time").asDouble() - start;
            if (previous != null && !(previous.equals(REMOVED) && at >= ReplaySample.TERMINATING_AT))
            {
                assertEquals(previous, backend, "affinity: " + d);
                checked++;
            }
        }
        assertTrue(checked > 20, "enough repeat clients to test affinity: " + checked);
    }

    @Test
    void packetsOfNoServicePass() throws IOException
    {
        final String cluster = Files.readString(Fixtures.replaySample().resolve("cluster.json"))
            .replace(ReplaySample.WEB_VIP, "10.96.100.99");
        final Path file = tmp.resolve("moved.json");
        Files.writeString(file, cluster);
        for (final JsonNode d : replay("trace.pcap", file.toString()))
        {
            if (d.get("proto").asText().equals("TCP"))
            {
                assertEquals("PASS", d.get("verdict").asText());
                assertNull(d.get("service"));
            }
        }
    }
}
