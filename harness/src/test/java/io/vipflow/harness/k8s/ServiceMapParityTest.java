package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.packet.Addresses;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;
import io.vipflow.testkit.ChurnEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Which Services make Service ports and frontends, after kube-proxy's {@code pkg/proxy/service_test.go}
 * {@code TestBuildServiceMapAddRemove}, {@code TestBuildServiceMapServiceUpdate}, {@code
 * TestServiceMapUpdateHeadless} and {@code TestUpdateServiceTypeExternalName} (named
 * {@code TestBuildServiceMapServiceHeadless} and {@code TestBuildServiceMapServiceTypeExternalName} in older
 * versions), and {@code TestLoadBalancerIngressRouteTypeProxy} of the iptables and nftables proxier tests. The code
 * they check is {@code service.go} {@code newBaseServiceInfo}, {@code ServiceChangeTracker} and
 * {@code pkg/proxy/util} {@code ShouldSkipService} and {@code IsVIPMode}.
 * <p>
 * The objects go through {@link KubeObjectConverter}, as from a cluster file or a watch, then a {@link ControlPlane}.
 * Upstream's service map length is the number of compiled Service ports; its {@code UpdatedServices} is the Services
 * whose compiled ports the publish replaced. Upstream's objects carry {@code nodePort}s on ClusterIP Services and
 * {@code targetPort: 0}, which the API server refuses and kube-proxy ignores; they are left out here, since the
 * converter refuses what the API server refuses. Health-check node ports are not modelled (no endpoint choice
 * depends on them), so upstream's {@code HealthCheckNodePorts} checks have no counterpart.
 */
class ServiceMapParityTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODE_IP = "192.168.0.2";

    private final ControlPlane cp = new ControlPlane("test-hostname", List.of(NODE_IP), "rr", 0);

    private static ServiceSpec service(final String json)
    {
        try
        {
            final JsonNode tree = JSON.readTree(json.replace('\'', '"'));
            return KubeObjectConverter.convert(0, ChurnEvent.Type.ADDED, tree).service();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** upstream {@code makeTestService}: a Service with the given spec fields, ports and status. */
    private static ServiceSpec service(final String namespace, final String name, final String spec,
        final String status)
    {
        return service("{'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'namespace': '" + namespace +
            "', 'name': '" + name + "'}, 'spec': {" + spec + "}" + (status == null ? "" : ", 'status': " + status) +
            "}");
    }

    /** upstream {@code addTestPort(name, protocol, port, nodePort, targetPort)}. */
    private static String port(final String name, final String protocol, final int port, final int nodePort,
        final int targetPort)
    {
        return "{'name': '" + name + "', 'protocol': '" + protocol + "', 'port': " + port +
            (nodePort == 0 ? "" : ", 'nodePort': " + nodePort) + (targetPort == 0 ? "" : ", 'targetPort': " +
            targetPort) + "}";
    }

    private static String ingress(final String... entries)
    {
        return "{'loadBalancer': {'ingress': [" + String.join(", ", entries) + "]}}";
    }

    /** Every frontend of a snapshot as {@code kind address:port/protocol}. */
    private static Set<String> frontends(final Snapshot s)
    {
        final Set<String> out = new TreeSet<>();
        for (final Frontend f : s.frontends.all())
        {
            out.add(f.kind + " " + Addresses.format(f.ipv6, f.addrHi, f.addrLo) + ":" + f.port + "/" +
                (f.protocol == 6 ? "TCP" : f.protocol == 17 ? "UDP" : "SCTP"));
        }
        return out;
    }

    /** The Services whose compiled ports {@code after} does not share with {@code before}. */
    private static Set<String> updated(final Snapshot before, final Snapshot after)
    {
        final Map<String, List<ServicePort>> was = byService(before);
        final Map<String, List<ServicePort>> now = byService(after);
        final Set<String> out = new TreeSet<>();
        final Set<String> keys = new TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        for (final String key : keys)
        {
            final List<ServicePort> a = was.getOrDefault(key, List.of());
            final List<ServicePort> b = now.getOrDefault(key, List.of());
            boolean same = a.size() == b.size();
            for (int i = 0; same && i < a.size(); i++)
            {
                same = a.get(i) == b.get(i);
            }
            if (!same)
            {
                out.add(key);
            }
        }
        return out;
    }

    private static Map<String, List<ServicePort>> byService(final Snapshot s)
    {
        final Map<String, List<ServicePort>> out = new HashMap<>();
        for (final ServicePort sp : s.servicePorts())
        {
            out.computeIfAbsent(sp.service.key(), k -> new ArrayList<>()).add(sp);
        }
        out.values().forEach(list -> list.sort((x, y) -> Integer.compare(x.id, y.id)));
        return out;
    }

    @Test
    void buildServiceMapAddRemove()
    {
        final ServiceSpec clusterIp = service("ns2", "cluster-ip", "'type': 'ClusterIP', 'clusterIP': " +
            "'172.16.55.4', 'ports': [" + port("port1", "UDP", 1234, 0, 0) + ", " + port("port2", "UDP", 1235, 0, 0) +
            "]", null);
        final ServiceSpec nodePort = service("ns2", "node-port", "'type': 'NodePort', 'clusterIP': '172.16.55.10', " +
            "'ports': [" + port("port1", "UDP", 345, 678, 0) + ", " + port("port2", "TCP", 344, 677, 0) + "]", null);
        // spec.loadBalancerIP is not read: kube-proxy takes the load-balancer IPs from status.loadBalancer.ingress.
        final ServiceSpec loadBalancer = service("ns1", "load-balancer", "'type': 'LoadBalancer', 'clusterIP': " +
            "'172.16.55.11', 'loadBalancerIP': '5.6.7.8', 'ports': [" + port("foobar", "UDP", 8675, 30061, 7000) +
            ", " + port("baz", "UDP", 8676, 30062, 7001) + "]", ingress("{'ip': '10.1.2.4'}"));
        final ServiceSpec onlyLocal = service("ns1", "only-local-load-balancer", "'type': 'LoadBalancer', " +
            "'clusterIP': '172.16.55.12', 'loadBalancerIP': '5.6.7.8', 'externalTrafficPolicy': 'Local', " +
            "'healthCheckNodePort': 345, 'ports': [" + port("foobar2", "UDP", 8677, 30063, 7002) + ", " +
            port("baz", "UDP", 8678, 30064, 7003) + "]", ingress("{'ip': '10.1.2.3'}"));
        final Snapshot empty = cp.publish();
        for (final ServiceSpec s : List.of(clusterIp, nodePort, loadBalancer, onlyLocal))
        {
            cp.upsertService(s);
        }
        final Snapshot first = cp.publish();
        assertEquals(8, first.servicePorts().size(), "service map length");
        assertEquals(Set.of("ns2/cluster-ip", "ns2/node-port", "ns1/load-balancer", "ns1/only-local-load-balancer"),
            updated(empty, first));
        assertEquals(new TreeSet<>(List.of(
            "CLUSTER_IP 172.16.55.4:1234/UDP", "CLUSTER_IP 172.16.55.4:1235/UDP",
            "CLUSTER_IP 172.16.55.10:345/UDP", "CLUSTER_IP 172.16.55.10:344/TCP",
            "NODE_PORT 192.168.0.2:678/UDP", "NODE_PORT 192.168.0.2:677/TCP",
            "CLUSTER_IP 172.16.55.11:8675/UDP", "CLUSTER_IP 172.16.55.11:8676/UDP",
            "LOAD_BALANCER 10.1.2.4:8675/UDP", "LOAD_BALANCER 10.1.2.4:8676/UDP",
            "NODE_PORT 192.168.0.2:30061/UDP", "NODE_PORT 192.168.0.2:30062/UDP",
            "CLUSTER_IP 172.16.55.12:8677/UDP", "CLUSTER_IP 172.16.55.12:8678/UDP",
            "LOAD_BALANCER 10.1.2.3:8677/UDP", "LOAD_BALANCER 10.1.2.3:8678/UDP",
            "NODE_PORT 192.168.0.2:30063/UDP", "NODE_PORT 192.168.0.2:30064/UDP")), frontends(first),
            "5.6.7.8 (spec.loadBalancerIP) is no frontend");

        // "oneService is a modification of services[0] with removed first port."
        cp.upsertService(service("ns2", "cluster-ip", "'type': 'ClusterIP', 'clusterIP': '172.16.55.4', " +
            "'ports': [" + port("p2", "UDP", 1235, 0, 0) + "]", null));
        cp.deleteService("ns2", "node-port");
        cp.deleteService("ns1", "load-balancer");
        cp.deleteService("ns1", "only-local-load-balancer");
        final Snapshot second = cp.publish();
        assertEquals(1, second.servicePorts().size(), "service map length");
        assertEquals(4, updated(first, second).size(), "updated Services");
        assertEquals(Set.of("CLUSTER_IP 172.16.55.4:1235/UDP"), frontends(second));
    }

    @Test
    void buildServiceMapServiceUpdate()
    {
        final ServiceSpec v1 = service("ns1", "svc1", "'type': 'ClusterIP', 'clusterIP': '172.16.55.4', 'ports': [" +
            port("p1", "UDP", 1234, 0, 0) + ", " + port("p2", "TCP", 1235, 0, 0) + "]", null);
        final ServiceSpec v2 = service("ns1", "svc1", "'type': 'LoadBalancer', 'clusterIP': '172.16.55.4', " +
            "'loadBalancerIP': '5.6.7.8', 'externalTrafficPolicy': 'Local', 'healthCheckNodePort': 345, 'ports': [" +
            port("p1", "UDP", 1234, 4321, 7002) + ", " + port("p2", "TCP", 1235, 5321, 7003) + "]",
            ingress("{'ip': '10.1.2.3'}"));
        final Snapshot empty = cp.publish();
        cp.upsertService(v1);
        final Snapshot first = cp.publish();
        assertEquals(2, first.servicePorts().size());
        assertEquals(Set.of("ns1/svc1"), updated(empty, first));
        assertEquals(Set.of("CLUSTER_IP 172.16.55.4:1234/UDP", "CLUSTER_IP 172.16.55.4:1235/TCP"), frontends(first));

        // "Change service to load-balancer"
        cp.upsertService(v2);
        final Snapshot lb = cp.publish();
        assertEquals(2, lb.servicePorts().size());
        assertEquals(Set.of("ns1/svc1"), updated(first, lb));
        assertEquals(Set.of("CLUSTER_IP 172.16.55.4:1234/UDP", "CLUSTER_IP 172.16.55.4:1235/TCP",
            "LOAD_BALANCER 10.1.2.3:1234/UDP", "LOAD_BALANCER 10.1.2.3:1235/TCP",
            "NODE_PORT 192.168.0.2:4321/UDP", "NODE_PORT 192.168.0.2:5321/TCP"), frontends(lb));

        // "No change; make sure the service map stays the same"
        cp.upsertService(v2);
        final Snapshot same = cp.publish();
        assertEquals(2, same.servicePorts().size());
        assertEquals(Set.of(), updated(lb, same));

        // "And back to ClusterIP"
        cp.upsertService(v1);
        final Snapshot back = cp.publish();
        assertEquals(2, back.servicePorts().size());
        assertEquals(Set.of("ns1/svc1"), updated(same, back));
        assertEquals(frontends(first), frontends(back));
    }

    @Test
    void serviceMapUpdateHeadless()
    {
        cp.upsertService(service("ns2", "headless", "'type': 'ClusterIP', 'clusterIP': 'None', 'ports': [" +
            port("rpc", "UDP", 1234, 0, 0) + "]", null));
        cp.upsertService(service("ns2", "headless-without-port", "'type': 'ClusterIP', 'clusterIP': 'None'", null));
        final Snapshot s = cp.publish();
        assertEquals(List.of(), s.servicePorts(), "headless Services are ignored");
        assertEquals(0, s.frontends.size());
    }

    @Test
    void updateServiceTypeExternalName()
    {
        cp.upsertService(service("ns2", "external-name", "'type': 'ExternalName', 'clusterIP': '172.16.55.4', " +
            "'externalName': 'foo2.bar.com', 'ports': [" + port("blah", "UDP", 1235, 0, 0) + "]", null));
        final Snapshot s = cp.publish();
        assertEquals(List.of(), s.servicePorts());
        assertEquals(0, s.frontends.size());
        final long[] ip = Addresses.parse("172.16.55.4");
        assertFalse(s.isClusterIp(false, ip[0], ip[1]), "the ClusterIP of an ExternalName Service is ignored");
    }

    /**
     * {@code TestLoadBalancerIngressRouteTypeProxy} ({@code pkg/proxy/nftables/proxier_test.go}), its three
     * "LoadBalancerIPMode enabled" cases: the load-balancer IP is in {@code service-ips} (a frontend here) for
     * {@code ipMode} {@code VIP} or unset and not for {@code Proxy} ({@code pkg/proxy/util/utils.go}
     * {@code IsVIPMode}). The three "LoadBalancerIPMode disabled" cases (every ingress IP a VIP) are not reproduced:
     * vipflow follows the gate as current kube-proxy has it (on by default since v1.30).
     */
    @Test
    void loadBalancerIngressRouteTypeProxy()
    {
        final String[][] cases = {
            {"LoadBalancerIPMode enabled, ipMode Proxy", "10.20.30.41", "1.2.3.4", "Proxy", "false"},
            {"LoadBalancerIPMode enabled, ipMode VIP", "10.20.30.42", "1.2.3.5", "VIP", "true"},
            {"LoadBalancerIPMode enabled, ipMode nil", "10.20.30.43", "1.2.3.6", null, "true"}};
        for (final String[] c : cases)
        {
            final ControlPlane own = new ControlPlane("test-hostname", List.of(NODE_IP), "rr", 0);
            own.upsertService(service("ns1", "svc1", "'type': 'LoadBalancer', 'clusterIP': '" + c[1] +
                "', 'ports': [" + port("p80", "TCP", 80, 3001, 0) + "]", ingress("{'ip': '" + c[2] + "'" +
                (c[3] == null ? "" : ", 'ipMode': '" + c[3] + "'") + "}")));
            final Set<String> frontends = frontends(own.publish());
            assertEquals(Boolean.parseBoolean(c[4]), frontends.contains("LOAD_BALANCER " + c[2] + ":80/TCP"), c[0]);
            assertEquals(Set.of("CLUSTER_IP " + c[1] + ":80/TCP", "NODE_PORT 192.168.0.2:3001/TCP"),
                new TreeSet<>(frontends.stream().filter(f -> !f.startsWith("LOAD_BALANCER")).toList()),
                c[0] + ": the other frontends stay");
        }
    }
}
