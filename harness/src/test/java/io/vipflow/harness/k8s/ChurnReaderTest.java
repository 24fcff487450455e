package io.vipflow.harness.k8s;

import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.harness.sample.ReplaySample;
import io.vipflow.testkit.ChurnEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChurnReaderTest
{
    private static final String SLICE = "{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", " +
        "\"addressType\": \"IPv4\", \"metadata\": {\"name\": \"web-1\", \"namespace\": \"n\", " +
        "\"labels\": {\"kubernetes.io/service-name\": \"web\"}}, \"endpoints\": [{\"addresses\": [\"ADDRESS\"]}]}";

    @TempDir
    Path dir;

    @Test
    void shouldConvertTheReplaySampleChurn() throws Exception
    {
        final List<ChurnEvent> events = ChurnReader.read(KubeTestFiles.replaySample().resolve("churn.jsonl"));

        assertEquals(3, events.size());

        final ChurnEvent terminating = events.get(0);
        assertEquals(2.0, terminating.atSeconds());
        assertEquals(2_000_000_000L, terminating.atNanos());
        assertEquals(ChurnEvent.Type.MODIFIED, terminating.type());
        assertEquals(ChurnEvent.Kind.ENDPOINT_SLICE, terminating.kind());
        assertEquals("store/frontend-a1b2c", terminating.key());
        assertNull(terminating.service());
        final EndpointSliceSpec slice = terminating.slice();
        assertEquals("store/frontend", slice.serviceKey());
        assertEquals(List.of(
            new EndpointSpec(List.of("10.244.8.1"), false, true, true, "node-x", "zone-a"),
            new EndpointSpec(List.of("10.244.8.2"), true, true, false, "node-x", "zone-a"),
            new EndpointSpec(List.of("10.244.9.3"), true, true, false, "node-y", "zone-a"),
            new EndpointSpec(List.of("10.244.9.4"), true, true, false, "node-y", "zone-a")), slice.endpoints());

        final ChurnEvent removed = events.get(1);
        assertEquals(3_500_000_000L, removed.atNanos());
        assertEquals(ChurnEvent.Type.MODIFIED, removed.type());
        assertEquals(List.of("10.244.8.2", "10.244.9.3", "10.244.9.4"),
            removed.slice().endpoints().stream().map(e -> e.addresses().get(0)).toList());

        final ChurnEvent deleted = events.get(2);
        assertEquals(4.0, deleted.atSeconds());
        assertEquals(ChurnEvent.Type.DELETED, deleted.type());
        assertEquals(ChurnEvent.Kind.SERVICE, deleted.kind());
        assertEquals("kube-system/coredns", deleted.key());
        assertEquals(List.of("10.96.100.53"), deleted.service().clusterIps(), "a full object is converted");
        assertEquals(ReplaySample.churn(), events, "the file says what the sample's definition says");
    }

    @Test
    void shouldAcceptMetadataOnlyDeletionAndSkipBlankLinesAndOtherKinds() throws Exception
    {
        final String text = "\n" +
            "{\"at\": 0, \"type\": \"ADDED\", \"object\": " + SLICE.replace("ADDRESS", "10.0.0.1") + "}\n" +
            "   \n" +
            "{\"at\": 0, \"type\": \"ADDED\", \"object\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\", " +
            "\"metadata\": {\"name\": \"p\"}}}\n" +
            "{\"at\": 1.25, \"type\": \"DELETED\", \"object\": {\"apiVersion\": \"discovery.k8s.io/v1\", " +
            "\"kind\": \"EndpointSlice\", \"metadata\": {\"name\": \"web-1\", \"namespace\": \"n\"}}}\n";

        final List<ChurnEvent> events = ChurnReader.read(KubeTestFiles.write(dir, "churn.jsonl", text));

        assertEquals(2, events.size());
        assertEquals(ChurnEvent.Type.ADDED, events.get(0).type());
        assertEquals(List.of("10.0.0.1"), events.get(0).slice().endpoints().get(0).addresses());
        assertEquals(ChurnEvent.deleted(1.25, ChurnEvent.Kind.ENDPOINT_SLICE, "n", "web-1"), events.get(1));
        assertEquals(1_250_000_000L, events.get(1).atNanos());
    }

    @Test
    void shouldRefuseEventsOutOfOrder()
    {
        final String text = line(2.0, "ADDED", "10.0.0.1") + line(3.0, "MODIFIED", "10.0.0.2") +
            line(1.0, "MODIFIED", "10.0.0.3");

        final KubeFormatException ex = fail(text);

        assertEquals(dir.resolve("churn.jsonl") + ": line 3, column 8: at 1.0 is earlier than 3.0 on line 2; " +
            "events must be in time order", ex.getMessage());
        assertEquals(3, ex.getLine());
    }

    @Test
    void shouldRefuseUnknownEventType()
    {
        final String text = line(1.0, "ADDED", "10.0.0.1") + line(2.0, "BOOKMARK", "10.0.0.1");

        final KubeFormatException ex = fail(text);

        assertEquals(dir.resolve("churn.jsonl") + ": line 2, column 21: type 'BOOKMARK' is not ADDED, MODIFIED or " +
            "DELETED", ex.getMessage());
    }

    @Test
    void shouldNameLineAndFieldOfBadObject()
    {
        final String bad = line(1.0, "ADDED", "fd00::1");

        final KubeFormatException ex = fail(line(0.5, "ADDED", "10.0.0.1") + bad);

        final int column = bad.indexOf("\"fd00::1\"") + 1;
        assertEquals(dir.resolve("churn.jsonl") + ": line 2, column " + column + ": object (EndpointSlice n/web-1): " +
            "endpoints[0].addresses[0] 'fd00::1' is IPv6 but the slice's addressType is IPv4", ex.getMessage());
    }

    @Test
    void shouldHandOverBadObjectsAndKeepReadingWhenAsked() throws Exception
    {
        final String bad = line(1.0, "MODIFIED", "fd00::1");
        final Path file = KubeTestFiles.write(dir, "churn.jsonl",
            line(0.5, "ADDED", "10.0.0.1") + bad + line(1.5, "MODIFIED", "10.0.0.2"));
        final List<KubeFormatException> rejected = new ArrayList<>();

        final List<ChurnEvent> events = ChurnReader.read(file, rejected::add);

        assertEquals(List.of(0.5, 1.5), events.stream().map(ChurnEvent::atSeconds).toList());
        assertEquals(1, rejected.size());
        final int column = bad.indexOf("\"fd00::1\"") + 1;
        assertEquals(file + ": line 2, column " + column + ": object (EndpointSlice n/web-1): " +
            "endpoints[0].addresses[0] 'fd00::1' is IPv6 but the slice's addressType is IPv4",
            rejected.get(0).getMessage());
        // A line that is no well-formed event still ends the read.
        assertThrows(KubeFormatException.class, () -> ChurnReader.parse("c", line(1.0, "BOOKMARK", "10.0.0.1"),
            rejected::add));
    }

    @Test
    void shouldRefuseMissingOrNegativeTime()
    {
        assertTrue(fail("{\"type\": \"ADDED\", \"object\": {}}\n").getMessage()
            .endsWith("churn.jsonl: line 1, column 1: at is required (seconds after the start of the trace)"));
        assertTrue(fail(line(-1, "ADDED", "10.0.0.1")).getMessage()
            .contains("churn.jsonl: line 1, column 8: at -1.0 out of range 0.."));
        assertTrue(fail("{\"at\": \"2\", \"type\": \"ADDED\"}").getMessage()
            .contains("churn.jsonl: line 1, column 8: at must be a number of seconds, found '2'"));
    }

    @Test
    void shouldReportSyntaxErrorWithFileLine()
    {
        final KubeFormatException ex = fail(line(1.0, "ADDED", "10.0.0.1") + "{\"at\": 2.0, \"type\": }\n");

        assertTrue(ex.getMessage().startsWith(dir.resolve("churn.jsonl") + ": line 2, column 21: syntax error: "),
            ex.getMessage());
        assertTrue(!ex.getMessage().contains("\n") && !ex.getMessage().contains("Exception"), ex.getMessage());
    }

    @Test
    void shouldRefuseTwoValuesOnOneLine()
    {
        final KubeFormatException ex = fail("{\"at\": 1} {\"at\": 2}\n");

        assertEquals(dir.resolve("churn.jsonl") + ": line 1, column 11: more than one JSON value on the line; " +
            "each line holds one event", ex.getMessage());
    }

    private KubeFormatException fail(final String text)
    {
        final Path file = KubeTestFiles.write(dir, "churn.jsonl", text);
        return assertThrows(KubeFormatException.class, () -> ChurnReader.read(file));
    }

    private static String line(final double at, final String type, final String address)
    {
        return "{\"at\": " + at + ", \"type\": \"" + type + "\", \"object\": " + SLICE.replace("ADDRESS", address) +
            "}\n";
    }
}
