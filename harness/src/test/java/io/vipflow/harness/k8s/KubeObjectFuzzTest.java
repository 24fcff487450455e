package io.vipflow.harness.k8s;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link KubeObjectReader}, the Service and EndpointSlice converters behind it and
 * {@link ChurnReader}: any input gives converted objects or a {@link KubeFormatException} with a position, never
 * another exception.
 * <p>
 * {@link #text} feeds the bytes as UTF-8 text (JSON, YAML or a churn file). {@link #objects} builds a JSON document
 * from the fuzz data, shaped like the objects {@code kubectl} prints (kinds, API versions, metadata, spec, ports,
 * endpoints) with values of any JSON type, so the converters' field rules are reached rather than the syntax
 * checks. Without {@code JAZZER_FUZZ} the committed inputs under
 * {@code src/test/resources/io/vipflow/harness/k8s/KubeObjectFuzzTestInputs/} run as regression tests.
 */
class KubeObjectFuzzTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 4;
    private static final BigInteger BEYOND_LONG = BigInteger.TWO.pow(80);

    private static final String[] KINDS = {
        "Service", "EndpointSlice", "List", "ServiceList", "EndpointSliceList", "Pod", "Endpoints", ""};
    private static final String[] API_VERSIONS = {
        "v1", "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1", "apps/v1", "v2", ""};
    private static final String[] KEYS = {
        "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec", "status", "items",
        "type", "clusterIP", "clusterIPs", "externalIPs", "ports", "port", "targetPort", "nodePort", "protocol",
        "sessionAffinity", "sessionAffinityConfig", "clientIP", "timeoutSeconds", "externalTrafficPolicy",
        "internalTrafficPolicy", "loadBalancerSourceRanges", "loadBalancer", "ingress", "ip", "ipMode",
        "addressType", "endpoints", "addresses", "conditions", "ready", "serving", "terminating", "nodeName", "zone",
        "kubernetes.io/service-name", "vipflow.io/scheduler", "vipflow.io/scheduler-flags",
        "service.beta.kubernetes.io/load-balancer-source-ranges", "at", "object"};
    private static final String[] STRINGS = {
        "10.96.0.10", "10.244.1.5", "fd00::10", "fd00::1:5", "None", "", "0.0.0.0/0", "10.0.0.0/8", "::/0",
        "192.168.1.300", "1.2.3.4/33", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "TCP", "UDP", "SCTP",
        "ICMP", "Local", "Cluster", "ClientIP", "IPv4", "IPv6", "FQDN", "VIP", "Proxy", "http", "web", "shop",
        "maglev", "rr", "wlc", "sh", "flag-1,flag-2", "no-such-scheduler", "8080", "-1", "65536", "ADDED", "MODIFIED",
        "DELETED"};

    @FuzzTest(maxDuration = "30s")
    void text(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        readObjects(text);
        try
        {
            assertNotNull(ChurnReader.parse("fuzz.jsonl", text));
        }
        catch (final KubeFormatException ex)
        {
            checkPosition(ex);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void objects(final FuzzedDataProvider data) throws Exception
    {
        final JsonNode document = data.consumeBoolean() ? list(data) : object(data);
        readObjects(MAPPER.writeValueAsString(document));
    }

    private static void readObjects(final String text)
    {
        try
        {
            final ClusterObjects objects = KubeObjectReader.parse("fuzz.json", text);
            assertNotNull(objects.services());
            assertNotNull(objects.slices());
            assertTrue(objects.skipped() >= 0);
        }
        catch (final KubeFormatException ex)
        {
            checkPosition(ex);
        }
    }

    private static void checkPosition(final KubeFormatException ex)
    {
        assertTrue(ex.getLine() >= 0 && ex.getColumn() >= 0, ex::getMessage);
        assertTrue(ex.getMessage() != null && !ex.getMessage().isEmpty());
    }

    private static ObjectNode list(final FuzzedDataProvider data)
    {
        final ObjectNode list = NODES.objectNode();
        list.put("apiVersion", "v1");
        list.put("kind", data.pickValue(new String[] {"List", "ServiceList", "EndpointSliceList"}));
        final ArrayNode items = list.putArray("items");
        final int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++)
        {
            items.add(object(data));
        }
        return list;
    }

    /** An object shaped like a Service or an EndpointSlice, every part of which the fuzzer may bend. */
    private static ObjectNode object(final FuzzedDataProvider data)
    {
        final ObjectNode object = NODES.objectNode();
        if (data.consumeBoolean())
        {
            object.put("kind", data.pickValue(KINDS));
        }
        if (data.consumeBoolean())
        {
            object.put("apiVersion", data.pickValue(API_VERSIONS));
        }
        final ObjectNode metadata = object.putObject("metadata");
        metadata.set("name", data.consumeBoolean() ? NODES.textNode(data.pickValue(STRINGS)) : value(data, 2));
        metadata.set("namespace", data.consumeBoolean() ? NODES.textNode("shop") : value(data, 2));
        if (data.consumeBoolean())
        {
            metadata.putObject("labels").set("kubernetes.io/service-name", value(data, 2));
        }
        if (data.consumeBoolean())
        {
            metadata.set("annotations", fields(data, 2));
        }
        object.set("spec", fields(data, 1));
        if (data.consumeBoolean())
        {
            object.set("addressType", value(data, MAX_DEPTH));
        }
        if (data.consumeBoolean())
        {
            object.set("ports", array(data, 1));
        }
        if (data.consumeBoolean())
        {
            object.set("endpoints", array(data, 1));
        }
        if (data.consumeBoolean())
        {
            object.set("status", fields(data, 1));
        }
        return object;
    }

    private static JsonNode value(final FuzzedDataProvider data, final int depth)
    {
        final int choice = data.consumeInt(0, depth >= MAX_DEPTH ? 7 : 9);
        switch (choice)
        {
            case 0: return NODES.textNode(data.pickValue(STRINGS));
            case 1: return NODES.textNode(data.consumeString(24));
            case 2: return NODES.numberNode(data.consumeInt(-2, 70_000));
            case 3: return NODES.numberNode(data.consumeLong());
            case 4: return NODES.numberNode(data.consumeDouble());
            case 5: return NODES.booleanNode(data.consumeBoolean());
            case 6: return NODES.nullNode();
            case 7: return NODES.numberNode(BEYOND_LONG);
            case 8: return array(data, depth + 1);
            default: return fields(data, depth + 1);
        }
    }

    private static ArrayNode array(final FuzzedDataProvider data, final int depth)
    {
        final ArrayNode array = NODES.arrayNode();
        final int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++)
        {
            array.add(depth >= MAX_DEPTH ? value(data, depth) : fields(data, depth + 1));
        }
        return array;
    }

    private static ObjectNode fields(final FuzzedDataProvider data, final int depth)
    {
        final ObjectNode object = NODES.objectNode();
        final int count = data.consumeInt(0, 6);
        for (int i = 0; i < count; i++)
        {
            object.set(data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(12), value(data, depth));
        }
        return object;
    }
}
