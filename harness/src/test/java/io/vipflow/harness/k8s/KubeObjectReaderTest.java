package io.vipflow.harness.k8s;

import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import io.vipflow.harness.sample.ReplaySample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeObjectReaderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldConvertTheReplaySampleCluster() throws Exception
    {
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.replaySample().resolve("cluster.json"));

        assertEquals(2, objects.services().size());
        assertEquals(2, objects.slices().size());
        assertEquals(0, objects.skipped());

        final ServiceSpec frontend = objects.services().get(0);
        assertEquals("store/frontend", frontend.key());
        assertEquals(ServiceType.CLUSTER_IP, frontend.type());
        assertEquals(List.of("10.96.100.10"), frontend.clusterIps());
        assertEquals(List.of(new ServicePortSpec("http", 80, Protocol.TCP, 0)), frontend.ports());
        assertEquals(List.of(), frontend.externalIps());
        assertEquals(List.of(), frontend.loadBalancerIps());
        assertEquals(0, frontend.affinityTimeoutSeconds());
        assertFalse(frontend.externalTrafficLocal());
        assertFalse(frontend.internalTrafficLocal());
        assertNull(frontend.scheduler());

        final EndpointSliceSpec frontendSlice = objects.slices().get(0);
        assertEquals("store/frontend-a1b2c", frontendSlice.key());
        assertEquals("store/frontend", frontendSlice.serviceKey());
        assertFalse(frontendSlice.ipv6());
        assertEquals(List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), frontendSlice.ports());
        assertEquals(List.of(
            new EndpointSpec(List.of("10.244.8.1"), true, true, false, "node-x", "zone-a"),
            new EndpointSpec(List.of("10.244.8.2"), true, true, false, "node-x", "zone-a"),
            new EndpointSpec(List.of("10.244.9.3"), true, true, false, "node-y", "zone-a")),
            frontendSlice.endpoints());

        final ServiceSpec coredns = objects.services().get(1);
        assertEquals("kube-system/coredns", coredns.key());
        assertEquals(List.of("10.96.100.53"), coredns.clusterIps());
        assertEquals(List.of(new ServicePortSpec("dns", 53, Protocol.UDP, 0)), coredns.ports());

        final EndpointSliceSpec corednsSlice = objects.slices().get(1);
        assertEquals("kube-system/coredns", corednsSlice.serviceKey());
        assertEquals(List.of(new EndpointPortSpec("dns", 5353, Protocol.UDP)), corednsSlice.ports());
        assertEquals(List.of(new EndpointSpec(List.of("10.244.8.53"), true, true, false, "node-x", "zone-a")),
            corednsSlice.endpoints());
        assertEquals(ReplaySample.cluster(), objects, "the file says what the sample's definition says");
    }

    @Test
    void shouldReadMultiDocumentYaml() throws Exception
    {
        final String yaml = """
            # kubectl get svc,endpointslices,cm -o yaml, split into documents
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              annotations:
                vipflow.io/scheduler: maglev
            spec:
              clusterIP: 10.96.0.20
              ports:
              - name: http
                port: 80
              - name: metrics
                port: 9090
                protocol: TCP
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: shop
            data:
              key: value
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: shop
              labels:
                kubernetes.io/service-name: web
            addressType: IPv4
            ports:
            - name: http
              port: 8080
            - name: all
              port: null
            endpoints:
            - addresses: ["10.244.1.5"]
              nodeName: node-a
            - addresses: ["10.244.1.6"]
              conditions:
                ready: false
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-fqdn
              namespace: shop
              labels:
                kubernetes.io/service-name: web
            addressType: FQDN
            endpoints:
            - addresses: ["web.example.com"]
            ---
            """;
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "cluster.yaml", yaml));

        assertEquals(2, objects.skipped(), "the ConfigMap and the FQDN slice");
        final ServiceSpec web = objects.services().get(0);
        assertEquals("shop/web", web.key());
        assertEquals(List.of("10.96.0.20"), web.clusterIps());
        assertEquals("maglev", web.scheduler());
        assertEquals(List.of(
            new ServicePortSpec("http", 80, Protocol.TCP, 0),
            new ServicePortSpec("metrics", 9090, Protocol.TCP, 0)), web.ports());

        final EndpointSliceSpec slice = objects.slices().get(0);
        assertEquals(List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), slice.ports(),
            "the port entry without a number is left out");
        assertEquals(new EndpointSpec(List.of("10.244.1.5"), true, true, false, "node-a", ""),
            slice.endpoints().get(0));
        // An absent serving is true, as kube-proxy reads it (endpointslicecache.go addEndpoints).
        assertEquals(new EndpointSpec(List.of("10.244.1.6"), false, true, false, "", ""),
            slice.endpoints().get(1));
    }

    @Test
    void shouldReadSingleJsonObject() throws Exception
    {
        final String json = """
            {
              "apiVersion": "v1",
              "kind": "Service",
              "metadata": {"name": "api"},
              "spec": {"clusterIP": "10.96.0.30", "ports": [{"port": 443}]}
            }
            """;
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "svc.json", json));

        assertEquals(1, objects.services().size());
        final ServiceSpec api = objects.services().get(0);
        assertEquals("default/api", api.key(), "an object without a namespace lives in default");
        assertEquals(List.of(new ServicePortSpec("", 443, Protocol.TCP, 0)), api.ports());
        assertEquals(List.of(), objects.slices());
    }

    @Test
    void shouldInferKindOfTypedListItemsAndReadJsonArrays() throws Exception
    {
        final String json = """
            [{"apiVersion": "v1", "kind": "ServiceList", "items": [
              {"metadata": {"name": "a", "namespace": "n"}, "spec": {"clusterIP": "10.96.0.1"}}]},
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},
             {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": "k"}}]
            """;
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "mixed.json", json));

        assertEquals(List.of("n/a"), objects.services().stream().map(ServiceSpec::key).toList());
        assertEquals(2, objects.skipped(), "the Pod and the Knative Service");
    }

    @Test
    void shouldConvertDualStackService() throws Exception
    {
        final ServiceSpec service = service("""
            "spec": {"clusterIP": "10.96.0.40", "clusterIPs": ["10.96.0.40", "fd00:10:96::40"],
                     "ipFamilyPolicy": "RequireDualStack", "ports": [{"name": "http", "port": 80}]}
            """);

        assertEquals(List.of("10.96.0.40", "fd00:10:96::40"), service.clusterIps());
    }

    @Test
    void shouldTreatClusterIpNoneAsHeadlessAndExternalNameAsFrontendless() throws Exception
    {
        assertEquals(List.of(), service("""
            "spec": {"clusterIP": "None", "clusterIPs": ["None"], "ports": [{"port": 80}]}
            """).clusterIps());

        final ServiceSpec external = service("""
            "spec": {"type": "ExternalName", "externalName": "db.example.com", "externalIPs": ["192.0.2.1"]}
            """);
        assertEquals(ServiceType.EXTERNAL_NAME, external.type());
        assertEquals(List.of(), external.clusterIps());
        assertEquals(List.of(), external.externalIps());
    }

    @Test
    void shouldConvertNodePortService() throws Exception
    {
        final ServiceSpec service = service("""
            "spec": {"type": "NodePort", "clusterIP": "10.96.0.50", "externalIPs": ["192.0.2.10"],
                     "externalTrafficPolicy": "Local", "internalTrafficPolicy": "Local",
                     "ports": [{"name": "http", "port": 80, "nodePort": 30080},
                               {"name": "dns", "port": 53, "protocol": "UDP", "nodePort": 30053}]}
            """);

        assertEquals(ServiceType.NODE_PORT, service.type());
        assertEquals(List.of("192.0.2.10"), service.externalIps());
        assertEquals(List.of(
            new ServicePortSpec("http", 80, Protocol.TCP, 30080),
            new ServicePortSpec("dns", 53, Protocol.UDP, 30053)), service.ports());
        assertTrue(service.externalTrafficLocal());
        assertTrue(service.internalTrafficLocal());
    }

    @Test
    void shouldConvertLoadBalancerService() throws Exception
    {
        final ServiceSpec service = service("""
            "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.60", "externalTrafficPolicy": "Cluster",
                     "loadBalancerSourceRanges": ["203.0.113.0/24", " 2001:db8::/32 "],
                     "ports": [{"name": "https", "port": 443, "nodePort": 31443}]},
            "status": {"loadBalancer": {"ingress": [
                {"ip": "198.51.100.7"}, {"hostname": "lb.example.com"}, {"ip": "2001:db8::7", "ipMode": "VIP"},
                {"ip": "198.51.100.8", "ipMode": "Proxy"}]}}
            """);

        assertEquals(ServiceType.LOAD_BALANCER, service.type());
        assertEquals(List.of("198.51.100.7", "2001:db8::7"), service.loadBalancerIps(),
            "hostname-only and Proxy-mode ingress entries are not frontends");
        assertEquals(List.of("203.0.113.0/24", "2001:db8::/32"), service.loadBalancerSourceRanges());
        assertEquals(31443, service.ports().get(0).nodePort());
        assertFalse(service.externalTrafficLocal());
    }

    @Test
    void shouldTakeSourceRangesFromAnnotationWhenFieldIsEmpty() throws Exception
    {
        final String json = """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "lb", "namespace": "n", "annotations": {
                "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 192.168.0.0/16"}},
             "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.61", "ports": [{"port": 80}]}}
            """;
        final ServiceSpec service = KubeObjectReader.read(KubeTestFiles.write(dir, "lb.json", json)).services().get(0);

        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), service.loadBalancerSourceRanges());
    }

    @Test
    void shouldDefaultClientIpAffinityTimeout() throws Exception
    {
        assertEquals(ServiceSpec.DEFAULT_AFFINITY_TIMEOUT_SECONDS, service("""
            "spec": {"clusterIP": "10.96.0.70", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]}
            """).affinityTimeoutSeconds());
    }

    @Test
    void shouldReadExplicitClientIpAffinityTimeout() throws Exception
    {
        assertEquals(600, service("""
            "spec": {"clusterIP": "10.96.0.70", "sessionAffinity": "ClientIP",
                     "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}}, "ports": [{"port": 80}]}
            """).affinityTimeoutSeconds());
        assertEquals(0, service("""
            "spec": {"clusterIP": "10.96.0.70", "sessionAffinity": "None",
                     "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}}, "ports": [{"port": 80}]}
            """).affinityTimeoutSeconds(), "sessionAffinity None ignores the config");
    }

    @Test
    void shouldDefaultEndpointConditions() throws Exception
    {
        final String json = """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv6",
             "metadata": {"name": "s", "namespace": "n", "labels": {"kubernetes.io/service-name": "svc"}},
             "ports": null,
             "endpoints": [
               {"addresses": ["fd00::1"]},
               {"addresses": ["fd00::2"], "conditions": {"ready": false}},
               {"addresses": ["fd00::3"], "conditions": {"ready": false, "serving": true, "terminating": true}},
               {"addresses": ["fd00::4"], "conditions": {"serving": false}, "zone": "z1"}]}
            """;
        final EndpointSliceSpec slice =
            KubeObjectReader.read(KubeTestFiles.write(dir, "slice.json", json)).slices().get(0);

        assertTrue(slice.ipv6());
        assertEquals(List.of(), slice.ports());
        final List<EndpointSpec> endpoints = slice.endpoints();
        assertEquals(new EndpointSpec(List.of("fd00::1"), true, true, false, "", ""), endpoints.get(0),
            "absent ready and serving are true");
        // kube-proxy pkg/proxy/endpointslicecache.go addEndpoints: a nil serving is true, whatever ready says.
        assertEquals(new EndpointSpec(List.of("fd00::2"), false, true, false, "", ""), endpoints.get(1),
            "absent serving is true when ready is false, as kube-proxy reads it");
        assertEquals(new EndpointSpec(List.of("fd00::3"), false, true, true, "", ""), endpoints.get(2));
        assertEquals(new EndpointSpec(List.of("fd00::4"), true, false, false, "", "z1"), endpoints.get(3));
    }

    /** EndpointSlice hints (discovery.k8s.io/v1 EndpointHints), which kube-proxy's topology reads. */
    @Test
    void shouldReadZoneAndNodeHints() throws Exception
    {
        final String json = """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
             "metadata": {"name": "s", "namespace": "n", "labels": {"kubernetes.io/service-name": "svc"}},
             "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
             "endpoints": [
               {"addresses": ["10.0.0.1"], "zone": "zone-a", "nodeName": "node-1",
                "hints": {"forZones": [{"name": "zone-a"}, {"name": "zone-b"}], "forNodes": [{"name": "node-1"}]}},
               {"addresses": ["10.0.0.2"], "hints": {"forZones": [{"name": "zone-b"}]}},
               {"addresses": ["10.0.0.3"], "hints": {}}]}
            """;
        final List<EndpointSpec> endpoints =
            KubeObjectReader.read(KubeTestFiles.write(dir, "hints.json", json)).slices().get(0).endpoints();
        assertEquals(Set.of("zone-a", "zone-b"), endpoints.get(0).zoneHints());
        assertEquals(Set.of("node-1"), endpoints.get(0).nodeHints());
        assertEquals(Set.of("zone-b"), endpoints.get(1).zoneHints());
        assertEquals(Set.of(), endpoints.get(1).nodeHints());
        assertEquals(Set.of(), endpoints.get(2).zoneHints());
    }

    /** ValidateEndpointSlice validateHints: at most 8 zone hints, no name twice. */
    @Test
    void shouldRefuseHintsTheApiRefuses() throws Exception
    {
        final String many = "[" + String.join(", ", java.util.stream.IntStream.range(0, 9)
            .mapToObj(i -> "{\"name\": \"z" + i + "\"}").toList()) + "]";
        for (final String hints : List.of("{\"forZones\": " + many + "}",
            "{\"forZones\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", "{\"forNodes\": [{}]}"))
        {
            final String json = "{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", " +
                "\"addressType\": \"IPv4\", \"metadata\": {\"name\": \"s\", \"namespace\": \"n\", " +
                "\"labels\": {\"kubernetes.io/service-name\": \"svc\"}}, \"endpoints\": [{\"addresses\": " +
                "[\"10.0.0.1\"], \"hints\": " + hints + "}]}";
            final Path file = KubeTestFiles.write(dir, "bad-hints.json", json);
            final KubeFormatException ex = assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(file),
                hints);
            assertTrue(ex.getMessage().contains("endpoints[0].hints.for"), ex.getMessage());
        }
    }

    @Test
    void shouldReadEmptySliceAsKubectlPrintsIt() throws Exception
    {
        final String yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata:
                name: idle-x
                namespace: n
                labels:
                  kubernetes.io/service-name: idle
              addressType: IPv4
              endpoints: null
              ports: null
            """;
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "idle.yaml", yaml));

        assertEquals(List.of(), objects.slices().get(0).endpoints());
    }

    @Test
    void shouldRefuseAFileWithoutServicesOrSlices() throws Exception
    {
        final Path empty = KubeTestFiles.write(dir, "empty.yaml", "\n# nothing\n");
        assertEquals(empty + ": holds no Services or EndpointSlices (the file is empty)",
            assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(empty)).getMessage());
        final Path pods = KubeTestFiles.write(dir, "pods.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", " +
            "\"metadata\": {\"name\": \"p\", \"namespace\": \"n\"}}");
        assertEquals(pods + ": holds no Services or EndpointSlices (1 objects of other kinds or FQDN slices)",
            assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(pods)).getMessage());
    }

    @Test
    void shouldResolveAnchorsAliasesAndMergeKeys() throws Exception
    {
        final String yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: &meta {name: web, namespace: &ns shop}
              spec: {clusterIP: 10.96.0.80, ports: [&http {name: http, port: 80}]}
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata:
                <<: *meta
                name: web-1
                labels: {kubernetes.io/service-name: web}
              addressType: IPv4
              ports: [{name: http, port: 8080}]
              endpoints: [{addresses: [10.244.1.5]}]
            - apiVersion: v1
              kind: Service
              metadata: {name: api, namespace: *ns}
              spec: {clusterIP: 10.96.0.81, ports: [*http]}
            """;
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "anchors.yaml", yaml));

        assertEquals(List.of("shop/web", "shop/api"), objects.services().stream().map(ServiceSpec::key).toList());
        assertEquals(80, objects.services().get(1).ports().get(0).port());
        assertEquals("shop/web-1", objects.slices().get(0).key());
        assertEquals("web", objects.slices().get(0).serviceName());
    }

    @Test
    void shouldRefuseAnUndefinedAliasWithItsPosition() throws Exception
    {
        final Path file = KubeTestFiles.write(dir, "alias.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: *ns}
            spec: {clusterIP: 10.96.0.80, ports: [{port: 80}]}
            """);
        final KubeFormatException ex = assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(file));
        assertTrue(ex.getMessage().startsWith(file + ": line 3, column "), ex.getMessage());
        assertTrue(ex.getMessage().contains("alias *ns names no anchor &ns"), ex.getMessage());
    }

    @Test
    void shouldRefuseAliasesThatExpandWithoutBound() throws Exception
    {
        final StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++)
        {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++)
            {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        final Path file = KubeTestFiles.write(dir, "laughs.yaml", yaml.toString());
        final KubeFormatException ex = assertThrows(KubeFormatException.class, () -> KubeObjectReader.read(file));
        assertTrue(ex.getMessage().contains("aliases stand for more than"), ex.getMessage());
    }

    private ServiceSpec service(final String specAndStatus) throws Exception
    {
        final String json = "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n" +
            "\"metadata\": {\"name\": \"s\", \"namespace\": \"n\"},\n" + specAndStatus + "}\n";
        final ClusterObjects objects = KubeObjectReader.read(KubeTestFiles.write(dir, "service.json", json));
        assertEquals(1, objects.services().size());
        return objects.services().get(0);
    }
}
