package io.vipflow.harness.k8s;

import io.vipflow.testkit.ChurnEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The rules an object is refused by, through the converter the churn reader and the live watch share: each
 * refusal names the object and the field.
 */
class ObjectRulesTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private static String service(final String ports)
    {
        return "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"web\", \"namespace\": " +
            "\"store\"}, \"spec\": {\"clusterIP\": \"10.96.0.1\", \"ports\": " + ports + "}}";
    }

    private static String slice(final String addressType, final String ports, final String endpoints)
    {
        return "{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", \"addressType\": \"" +
            addressType + "\", \"metadata\": {\"name\": \"web-1\", \"namespace\": \"store\", \"labels\": " +
            "{\"kubernetes.io/service-name\": \"web\"}}, \"ports\": " + ports + ", \"endpoints\": " + endpoints + "}";
    }

    private static String endpoints(final int count)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count; i++)
        {
            sb.append(i == 0 ? "" : ", ").append("{\"addresses\": [\"10.").append(244 + i / 65536).append('.')
                .append(i / 256 % 256).append('.').append(i % 256).append("\"]}");
        }
        return sb.append(']').toString();
    }

    private static ObjectRejectedException refused(final String json)
    {
        return assertThrows(ObjectRejectedException.class,
            () -> KubeObjectConverter.convert(0, ChurnEvent.Type.MODIFIED, tree(json)));
    }

    private static ChurnEvent accepted(final ChurnEvent.Type type, final String json) throws Exception
    {
        return KubeObjectConverter.convert(0, type, tree(json));
    }

    @Test
    void multiPortServiceNeedsEveryPortNamed() throws Exception
    {
        // Kubernetes ValidateService: with more than one port, every port needs a name.
        final ObjectRejectedException ex = refused(service("[{\"port\": 80}, {\"name\": \"https\", \"port\": 443}]"));
        assertEquals("Service store/web: spec.ports[0].name is required when the Service has more than one port",
            ex.getMessage());
        assertEquals("Service store/web", ex.object());
        assertEquals("spec.ports[0].name", ex.path());
        // One unnamed port on its own is valid.
        assertNotNull(accepted(ChurnEvent.Type.ADDED, service("[{\"port\": 80}]")).service());
    }

    @Test
    void duplicatePortsAndPortsOutOfRange()
    {
        assertEquals("Service store/web: spec.ports[1].name 'http' duplicates the name of spec.ports[0]",
            refused(service("[{\"name\": \"http\", \"port\": 80}, {\"name\": \"http\", \"port\": 81}]"))
                .getMessage());
        assertEquals("Service store/web: spec.ports[0].port 65536 out of range 1..65535",
            refused(service("[{\"port\": 65536}]")).getMessage());
        assertEquals("EndpointSlice store/web-1: ports[0].port 0 out of range 1..65535",
            refused(slice("IPv4", "[{\"name\": \"http\", \"port\": 0}]", "[]")).getMessage());
        assertEquals("EndpointSlice store/web-1: ports[1].name 'http' duplicates the name of ports[0]",
            refused(slice("IPv4", "[{\"name\": \"http\", \"port\": 80}, {\"name\": \"http\", \"port\": 81}]",
                "[]")).getMessage());
    }

    @Test
    void invalidAndMismatchedAddresses()
    {
        assertEquals("EndpointSlice store/web-1: endpoints[0].addresses[0] '10.244.0.300' is not a valid IP " +
            "address", refused(slice("IPv4", "[]", "[{\"addresses\": [\"10.244.0.300\"]}]")).getMessage());
        assertEquals("EndpointSlice store/web-1: endpoints[0].addresses[0] 'fd00::1' is IPv6 but the slice's " +
            "addressType is IPv4", refused(slice("IPv4", "[]", "[{\"addresses\": [\"fd00::1\"]}]")).getMessage());
        assertEquals("EndpointSlice store/web-1: endpoints[0].addresses[0] '10.244.0.1' is IPv4 but the slice's " +
            "addressType is IPv6", refused(slice("IPv6", "[]", "[{\"addresses\": [\"10.244.0.1\"]}]")).getMessage());
    }

    @Test
    void sliceOverTheApiCapsIsRefusedNotTruncated() throws Exception
    {
        // Kubernetes ValidateEndpointSlice: at most 1000 endpoints, 100 ports, 100 addresses per endpoint.
        assertEquals(1000, accepted(ChurnEvent.Type.ADDED, slice("IPv4", "[]", endpoints(1000))).slice()
            .endpoints().size());
        final ObjectRejectedException huge = refused(slice("IPv4", "[]", endpoints(10_000)));
        assertEquals("EndpointSlice store/web-1: endpoints has 10000 entries; at most 1000 are allowed in one slice",
            huge.getMessage());
        assertEquals("endpoints", huge.path());

        final StringBuilder ports = new StringBuilder("[");
        for (int i = 0; i < 101; i++)
        {
            ports.append(i == 0 ? "" : ", ").append("{\"name\": \"p").append(i).append("\", \"port\": ")
                .append(1000 + i).append('}');
        }
        assertEquals("EndpointSlice store/web-1: ports has 101 entries; at most 100 are allowed",
            refused(slice("IPv4", ports.append(']').toString(), "[]")).getMessage());

        final StringBuilder addresses = new StringBuilder("[{\"addresses\": [");
        for (int i = 0; i < 101; i++)
        {
            addresses.append(i == 0 ? "" : ", ").append("\"10.244.0.").append(i).append('"');
        }
        assertEquals("EndpointSlice store/web-1: endpoints[0].addresses has 101 entries; at most 100 are allowed",
            refused(slice("IPv4", "[]", addresses.append("]}]").toString())).getMessage());
    }

    @Test
    void deletionNeedsOnlyTheIdentity() throws Exception
    {
        // A final state that breaks a rule still deletes: keeping the object alive would be worse.
        final ChurnEvent deleted = accepted(ChurnEvent.Type.DELETED, service("[{\"port\": 70000}]"));
        assertEquals(ChurnEvent.Type.DELETED, deleted.type());
        assertEquals("store/web", deleted.key());
        assertNull(deleted.service());
    }

    @Test
    void fqdnSlicesAndOtherKindsAreNotFollowed() throws Exception
    {
        assertNull(accepted(ChurnEvent.Type.ADDED, slice("FQDN", "[]", "[{\"addresses\": [\"a.example\"]}]")));
        assertNull(accepted(ChurnEvent.Type.ADDED, "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", " +
            "\"metadata\": {\"name\": \"p\"}}"));
    }
}
