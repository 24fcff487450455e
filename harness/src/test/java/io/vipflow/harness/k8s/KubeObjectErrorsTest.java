package io.vipflow.harness.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeObjectErrorsTest
{
    private static final String GOOD_SERVICE = """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "good", "namespace": "store"},
             "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 80}]}}""";

    @TempDir
    Path dir;

    @Test
    void shouldNamePositionItemAndFieldOfPortOutOfRange()
    {
        final String text = cluster(GOOD_SERVICE, service("frontend", """
            {"clusterIP": "10.96.100.10",
                      "ports": [{"name": "http",
                                 "port": 70000}]}"""));

        final KubeFormatException ex = fail("cluster.json", text);

        final int line = KubeTestFiles.lineOf(text, "70000");
        final int column = text.split("\n")[line - 1].indexOf("70000") + 1;
        assertEquals(dir.resolve("cluster.json") + ": line " + line + ", column " + column +
            ": items[1] (Service store/frontend): spec.ports[0].port 70000 out of range 1..65535", ex.getMessage());
        assertEquals(line, ex.getLine());
        assertEquals(column, ex.getColumn());
    }

    @Test
    void shouldRefusePortZero()
    {
        final String text = cluster(service("zero", """
            {"clusterIP": "10.96.0.2",
                      "ports": [{"port": 0}]}"""));

        assertError("cluster.json", text, "\"port\": 0",
            "items[0] (Service store/zero): spec.ports[0].port 0 out of range 1..65535");
    }

    @Test
    void shouldRefuseInvalidClusterIp()
    {
        final String text = cluster(GOOD_SERVICE, service("bad", """
            {"clusterIPs": ["10.96.0.300"],
                      "ports": [{"port": 80}]}"""));

        assertError("cluster.json", text, "10.96.0.300",
            "items[1] (Service store/bad): spec.clusterIPs[0] '10.96.0.300' is not a valid IP address");
    }

    @Test
    void shouldRefuseInvalidLoadBalancerIngressIp()
    {
        final String text = cluster("""
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "lb", "namespace": "store"},
             "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.3", "ports": [{"port": 80, "nodePort": 30080}]},
             "status": {"loadBalancer": {"ingress": [
                {"ip": "198.51.100.1"},
                {"ip": "198.51.100"}]}}}""");

        assertError("cluster.json", text, "\"198.51.100\"",
            "items[0] (Service store/lb): status.loadBalancer.ingress[1].ip '198.51.100' is not a valid IP address");
    }

    @Test
    void shouldRefuseDuplicatePort()
    {
        final String text = cluster(service("dup", """
            {"clusterIP": "10.96.0.4",
                      "ports": [{"name": "a", "port": 80},
                                {"name": "b", "port": 80, "protocol": "TCP"}]}"""));

        assertError("cluster.json", text, "\"name\": \"b\"",
            "items[0] (Service store/dup): spec.ports[1] duplicates port 80/TCP of spec.ports[0]");
    }

    @Test
    void shouldAcceptSamePortWithOtherProtocolButRefuseDuplicateName()
    {
        final String text = cluster(service("dns", """
            {"clusterIP": "10.96.0.5",
                      "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                                {"name": "dns", "port": 53, "protocol": "TCP"}]}"""));

        assertError("cluster.json", text, "\"protocol\": \"TCP\"",
            "items[0] (Service store/dns): spec.ports[1].name 'dns' duplicates the name of spec.ports[0]");
    }

    @Test
    void shouldRefuseSliceWithoutServiceNameLabel()
    {
        final String text = cluster(GOOD_SERVICE, """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
             "metadata": {"name": "orphan", "namespace": "store",
                          "labels": {"app": "x"}},
             "endpoints": [{"addresses": ["10.244.0.1"]}]}""");

        assertError("cluster.json", text, "\"app\": \"x\"",
            "items[1] (EndpointSlice store/orphan): metadata.labels[\"kubernetes.io/service-name\"] is required");
    }

    @Test
    void shouldRefuseIpv6AddressInIpv4Slice()
    {
        final String text = cluster("""
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
             "metadata": {"name": "web-1", "namespace": "store", "labels": {"kubernetes.io/service-name": "web"}},
             "endpoints": [{"addresses": ["10.244.0.1"]},
                           {"addresses": ["fd00::5"]}]}""");

        assertError("cluster.json", text, "fd00::5", "items[0] (EndpointSlice store/web-1): " +
            "endpoints[1].addresses[0] 'fd00::5' is IPv6 but the slice's addressType is IPv4");
    }

    @Test
    void shouldRefuseAffinityTimeoutZero()
    {
        assertAffinityTimeoutRefused(0);
    }

    @Test
    void shouldRefuseAffinityTimeoutAboveOneDay()
    {
        assertAffinityTimeoutRefused(90000);
    }

    @Test
    void shouldRefuseMalformedSourceRanges()
    {
        for (final String cidr : new String[] {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0", "10.0.0/8", "10.0.0.0/x"})
        {
            final String text = cluster(service("lb", """
                {"type": "LoadBalancer", "clusterIP": "10.96.0.6",
                          "loadBalancerSourceRanges": ["CIDR"],
                          "ports": [{"port": 80}]}""".replace("CIDR", cidr)));

            assertError("cluster.json", text, "loadBalancerSourceRanges",
                "items[0] (Service store/lb): spec.loadBalancerSourceRanges[0] '" + cidr + "'");
        }
    }

    @Test
    void shouldRefuseWrongValuesAndTypes()
    {
        assertError("a.json", cluster(service("t", """
            {"clusterIP": "10.96.0.7", "ports": [{"port": "80"}]}""")), "\"80\"",
            "spec.ports[0].port must be an integer, found '80'");
        assertError("b.json", cluster(service("t", """
            {"clusterIP": "10.96.0.7", "ports": [{"port": 80, "protocol": "ICMP"}]}""")), "ICMP",
            "spec.ports[0].protocol 'ICMP' is not TCP, UDP or SCTP");
        assertError("c.json", cluster(service("t", """
            {"clusterIP": "10.96.0.7", "externalTrafficPolicy": "local", "ports": [{"port": 80}]}""")), "local",
            "spec.externalTrafficPolicy 'local' is not Cluster or Local");
        assertError("d.json", cluster(service("t", """
            {"clusterIP": "10.96.0.7", "ports": [{"port": 80, "nodePort": 30080}]}""")), "30080",
            "spec.ports[0].nodePort 30080 is only allowed for NodePort and LoadBalancer Services");
        assertError("e.json", cluster(service("t", """
            {"clusterIPs": ["10.96.0.7", "10.96.0.8"], "ports": [{"port": 80}]}""")), "10.96.0.8",
            "spec.clusterIPs[1] '10.96.0.8' has the same IP family as spec.clusterIPs[0]");
        assertError("f.json", cluster(service("t", """
            {"clusterIP": "10.96.0.7", "ports": [{"port": 80}, {"port": 81}]}""")), "81",
            "spec.ports[1].name is required when the Service has more than one port");
    }

    @Test
    void shouldRefuseUnsupportedVersionOfSupportedKind()
    {
        final String text = cluster("""
            {"apiVersion": "discovery.k8s.io/v1beta1", "kind": "EndpointSlice", "addressType": "IPv4",
             "metadata": {"name": "old", "namespace": "store", "labels": {"kubernetes.io/service-name": "web"}}}""");

        assertError("cluster.json", text, "v1beta1",
            "apiVersion 'discovery.k8s.io/v1beta1' is not supported (only discovery.k8s.io/v1)");
    }

    @Test
    void shouldRefuseTheSameObjectTwice()
    {
        final String text = cluster(GOOD_SERVICE, GOOD_SERVICE);
        final int first = KubeTestFiles.lineOf(text, "\"apiVersion\": \"v1\", \"kind\": \"Service\"");
        final int second = first + GOOD_SERVICE.split("\n").length;

        final KubeFormatException ex = fail("cluster.json", text);

        assertEquals(dir.resolve("cluster.json") + ": line " + second + ", column 1: items[1] (Service store/good): " +
            "duplicates the Service store/good at line " + first + ", column 1", ex.getMessage());
    }

    @Test
    void shouldReportJsonSyntaxErrorOnOneLineWithPosition()
    {
        final String text = """
            {
              "kind": "List",
              "items": [
                {"kind": "Service",, "metadata": {}}
              ]
            }
            """;

        final KubeFormatException ex = fail("broken.json", text);

        assertTrue(ex.getMessage().startsWith(dir.resolve("broken.json") + ": line 4, column 24: syntax error: "),
            ex.getMessage());
        assertPlain(ex.getMessage());
    }

    @Test
    void shouldReportTruncatedJsonWithoutParserDetails()
    {
        final KubeFormatException ex = fail("cut.json", "{\"kind\": \"List\",\n \"items\": [\n  {\"kind\": \"Pod\"}");

        assertTrue(ex.getMessage().contains("cut.json: line 3, column "), ex.getMessage());
        assertTrue(ex.getMessage().contains("started at line 2, column 11"), ex.getMessage());
        assertPlain(ex.getMessage());
    }

    @Test
    void shouldReportYamlDocumentLineAndField()
    {
        final String yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: a, namespace: n}
            spec: {clusterIP: 10.96.0.9, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: b
              namespace: n
            spec:
              clusterIP: 10.96.0.10
              sessionAffinity: ClientIP
              sessionAffinityConfig:
                clientIP:
                  timeoutSeconds: 90000
            """;

        final KubeFormatException ex = fail("cluster.yaml", yaml);

        assertEquals(dir.resolve("cluster.yaml") + ": document 2, line 16, column 23: Service n/b: " +
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds 90000 out of range 1..86400", ex.getMessage());
    }

    @Test
    void shouldReportYamlSyntaxErrorOnOneLine()
    {
        final KubeFormatException ex = fail("bad.yaml", "kind: Service\nmetadata:\n  name: a\n   namespace: b\n");

        assertTrue(ex.getMessage().startsWith(dir.resolve("bad.yaml") + ": line 4, column "), ex.getMessage());
        assertPlain(ex.getMessage());
    }

    @Test
    void shouldRefuseDuplicateKeys()
    {
        final KubeFormatException ex = fail("dup.json", "{\"kind\": \"Service\",\n \"kind\": \"Pod\"}");

        assertTrue(ex.getMessage().contains("dup.json: line 2, column "), ex.getMessage());
        assertTrue(ex.getMessage().contains("Duplicate field 'kind'"), ex.getMessage());
    }

    private void assertAffinityTimeoutRefused(final int timeout)
    {
        final String text = cluster(service("sticky", """
            {"clusterIP": "10.96.0.11", "sessionAffinity": "ClientIP",
                      "sessionAffinityConfig": {"clientIP": {
                          "timeoutSeconds": TIMEOUT}},
                      "ports": [{"port": 80}]}""".replace("TIMEOUT", Integer.toString(timeout))));

        assertError("cluster.json", text, "timeoutSeconds", "items[0] (Service store/sticky): " +
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds " + timeout + " out of range 1..86400");
    }

    private void assertError(final String fileName, final String text, final String lineMarker, final String... parts)
    {
        final KubeFormatException ex = fail(fileName, text);
        final String message = ex.getMessage();
        final String position = dir.resolve(fileName) + ": line " + KubeTestFiles.lineOf(text, lineMarker) + ", column ";
        assertTrue(message.startsWith(position), () -> "expected " + position + "... in: " + message);
        for (final String part : parts)
        {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
        assertPlain(message);
    }

    private KubeFormatException fail(final String fileName, final String text)
    {
        final Path file = KubeTestFiles.write(dir, fileName, text);
        final KubeFormatException ex = assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(file));
        assertEquals(file.toString(), ex.getSource());
        return ex;
    }

    private static void assertPlain(final String message)
    {
        assertFalse(message.contains("\n"), message);
        assertFalse(message.contains("jackson"), message);
        assertFalse(message.contains("Jackson"), message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(message.contains("Source:"), message);
        assertFalse(message.contains("snakeyaml"), message);
    }

    private static String service(final String name, final String spec)
    {
        return "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n" +
            " \"metadata\": {\"name\": \"" + name + "\", \"namespace\": \"store\"},\n" +
            " \"spec\": " + spec + "}";
    }

    private static String cluster(final String... items)
    {
        return "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n" +
            String.join(",\n", items) + "\n  ]\n}\n";
    }
}
