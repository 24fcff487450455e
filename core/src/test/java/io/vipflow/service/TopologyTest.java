package io.vipflow.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Endpoint categorization with topology, case by case after kube-proxy's table-driven test
 * {@code pkg/proxy/topology_test.go} {@code TestCategorizeEndpoints} (the code it checks is
 * {@code pkg/proxy/topology.go} {@code CategorizeEndpoints} and {@code topologyModeFromHints}). Each case has the
 * upstream case's name, endpoints, node labels and expected cluster and local sets; a set kube-proxy does not
 * compute for the Service (nil upstream) is not compared. The "PreferSameNode …" cases and the
 * "externalTrafficPolicy: Local, externally accessible, …" cases are named as in the later version of the test
 * that has node hints.
 */
class TopologyTest
{
    private static final String NODE = "test-node";

    /** An endpoint of a case: address, conditions, whether it is on this node, and its hints. */
    private record Ep(String ip, boolean ready, boolean serving, boolean terminating, boolean local,
        Set<String> zones, Set<String> nodes)
    {
        EndpointSpec spec()
        {
            return new EndpointSpec(List.of(ip), ready, serving, terminating, local ? NODE : "other-node", "",
                zones, nodes);
        }
    }

    private static Ep ready(final String ip, final String... zones)
    {
        return new Ep(ip, true, true, false, false, Set.of(zones), Set.of());
    }

    private static Ep unready(final String ip, final String... zones)
    {
        return new Ep(ip, false, false, false, false, Set.of(zones), Set.of());
    }

    private static Ep localReady(final String ip, final String... zones)
    {
        return new Ep(ip, true, true, false, true, Set.of(zones), Set.of());
    }

    private static Ep nodeHinted(final String ip, final String zone, final String node)
    {
        return new Ep(ip, true, true, false, false, Set.of(zone), Set.of(node));
    }

    private static Ep unhinted(final String ip)
    {
        return new Ep(ip, true, true, false, false, Set.of(), Set.of());
    }

    private static Ep terminating(final String ip, final boolean local)
    {
        return new Ep(ip, false, true, true, local, Set.of(), Set.of());
    }

    /** Policies of the case's Service: eTP:Local (with a node port) and iTP:Local. */
    private enum Svc
    {
        CLUSTER(false, false, false), ETP_LOCAL(true, false, true), ITP_LOCAL(false, true, false),
        BOTH_LOCAL(true, true, true), ITP_LOCAL_EXTERNAL(false, true, true), ETP_LOCAL_INTERNAL_ONLY(true, false, false);

        final boolean etpLocal;
        final boolean itpLocal;
        final boolean externallyAccessible;

        Svc(final boolean etpLocal, final boolean itpLocal, final boolean externallyAccessible)
        {
            this.etpLocal = etpLocal;
            this.itpLocal = itpLocal;
            this.externallyAccessible = externallyAccessible;
        }

        /** kube-proxy {@code UsesClusterEndpoints}: {@code !internalPolicyLocal || ExternallyAccessible()}. */
        boolean usesCluster()
        {
            return !itpLocal || externallyAccessible;
        }

        /** kube-proxy {@code UsesLocalEndpoints}: iTP:Local, or eTP:Local on an externally accessible Service. */
        boolean usesLocal()
        {
            return itpLocal || etpLocal && externallyAccessible;
        }

        ServiceSpec spec()
        {
            return ServiceSpec.builder("ns", "svc")
                .type(externallyAccessible ? ServiceType.NODE_PORT : ServiceType.CLUSTER_IP)
                .clusterIps("10.96.0.1")
                .ports(new ServicePortSpec("p80", 80, Protocol.TCP, externallyAccessible ? 30080 : 0))
                .externalTrafficLocal(etpLocal).internalTrafficLocal(itpLocal).build();
        }
    }

    static Stream<Arguments> cases()
    {
        final List<Arguments> out = new ArrayList<>();
        final Ep[] fourZoned = {ready("10.1.2.3", "zone-a"), ready("10.1.2.4", "zone-b"), ready("10.1.2.5", "zone-c"),
            ready("10.1.2.6", "zone-a")};
        add(out, "hints enabled, hints annotation == auto", Svc.CLUSTER, "zone-a", true, fourZoned,
            set("10.1.2.3", "10.1.2.6"), null);
        add(out, "normal endpoint filtering, auto annotation", Svc.CLUSTER, "zone-a", true, fourZoned,
            set("10.1.2.3", "10.1.2.6"), null);
        add(out, "externalTrafficPolicy: Local, topology ignored for Local endpoints", Svc.ETP_LOCAL, "zone-a", true,
            new Ep[] {localReady("10.1.2.3", "zone-a"), localReady("10.1.2.4", "zone-b"), ready("10.1.2.5", "zone-c"),
                ready("10.1.2.6", "zone-a")},
            set("10.1.2.3", "10.1.2.6"), set("10.1.2.3", "10.1.2.4"));
        add(out, "internalTrafficPolicy: Local, topology ignored for Local endpoints", Svc.ITP_LOCAL_EXTERNAL, "zone-a",
            true, new Ep[] {localReady("10.1.2.3", "zone-a"), localReady("10.1.2.4", "zone-b"),
                ready("10.1.2.5", "zone-c"), ready("10.1.2.6", "zone-a")},
            set("10.1.2.3", "10.1.2.6"), set("10.1.2.3", "10.1.2.4"));
        add(out, "empty node labels", Svc.CLUSTER, "", true, new Ep[] {ready("10.1.2.3", "zone-a")},
            set("10.1.2.3"), null);
        add(out, "empty zone label", Svc.CLUSTER, "", true, new Ep[] {ready("10.1.2.3", "zone-a")},
            set("10.1.2.3"), null);
        add(out, "node in different zone, no endpoint filtering", Svc.CLUSTER, "zone-b", true,
            new Ep[] {ready("10.1.2.3", "zone-a")}, set("10.1.2.3"), null);
        add(out, "unready endpoint", Svc.CLUSTER, "zone-a", true,
            new Ep[] {ready("10.1.2.3", "zone-a"), ready("10.1.2.4", "zone-b"), ready("10.1.2.5", "zone-c"),
                unready("10.1.2.6", "zone-a")},
            set("10.1.2.3"), null);
        add(out, "only unready endpoints in same zone (should not filter)", Svc.CLUSTER, "zone-a", true,
            new Ep[] {unready("10.1.2.3", "zone-a"), ready("10.1.2.4", "zone-b"), ready("10.1.2.5", "zone-c"),
                unready("10.1.2.6", "zone-a")},
            set("10.1.2.4", "10.1.2.5"), null);
        add(out, "missing hints, no filtering applied", Svc.CLUSTER, "zone-a", true,
            new Ep[] {ready("10.1.2.3", "zone-a"), ready("10.1.2.4", "zone-b"), unhinted("10.1.2.5"),
                ready("10.1.2.6", "zone-a")},
            set("10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6"), null);
        add(out, "multiple hints per endpoint, filtering includes any endpoint with zone included", Svc.CLUSTER,
            "zone-c", true,
            new Ep[] {ready("10.1.2.3", "zone-a", "zone-b", "zone-c"), ready("10.1.2.4", "zone-b", "zone-c"),
                ready("10.1.2.5", "zone-b", "zone-d"), ready("10.1.2.6", "zone-c")},
            set("10.1.2.3", "10.1.2.4", "10.1.2.6"), null);
        final Ep[] nodeHinted = {nodeHinted("10.1.2.3", "zone-a", "node-1"), nodeHinted("10.1.2.4", "zone-b", "node-2"),
            nodeHinted("10.1.2.5", "zone-c", "node-3"), nodeHinted("10.1.2.6", "zone-a", "node-4")};
        addOnNode(out, "PreferSameNode available", "node-1", true, nodeHinted, set("10.1.2.3"));
        addOnNode(out, "PreferSameNode ignored if some endpoints unhinted", "node-1", true,
            new Ep[] {nodeHinted[0], unhinted("10.1.2.4"), nodeHinted[2], nodeHinted[3]},
            set("10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6"));
        addOnNode(out, "PreferSameNode falls back to PreferSameZone if no endpoint for node", "node-0", true,
            nodeHinted, set("10.1.2.3", "10.1.2.6"));
        addOnNode(out, "PreferSameNode falls back to same-zone when feature gate disabled", "node-1", false,
            nodeHinted, set("10.1.2.3", "10.1.2.6"));
        add(out, "conflicting topology and localness require merging allEndpoints", Svc.ETP_LOCAL, "zone-a", true,
            new Ep[] {localReady("10.0.0.0", "zone-a"), localReady("10.0.0.1", "zone-b"), ready("10.0.0.2", "zone-a"),
                ready("10.0.0.3", "zone-b")},
            set("10.0.0.0", "10.0.0.2"), set("10.0.0.0", "10.0.0.1"));
        add(out, "internalTrafficPolicy: Local, with empty endpoints", Svc.ITP_LOCAL, "", true, new Ep[0],
            null, set());
        add(out, "internalTrafficPolicy: Local, but all endpoints are remote", Svc.ITP_LOCAL, "", true,
            new Ep[] {ready("10.0.0.0"), ready("10.0.0.1")}, null, set());
        add(out, "internalTrafficPolicy: Local, all endpoints are local", Svc.ITP_LOCAL, "", true,
            new Ep[] {localReady("10.0.0.0"), localReady("10.0.0.1")}, null, set("10.0.0.0", "10.0.0.1"));
        add(out, "internalTrafficPolicy: Local, some endpoints are local", Svc.ITP_LOCAL, "", true,
            new Ep[] {localReady("10.0.0.0"), ready("10.0.0.1")}, null, set("10.0.0.0"));
        add(out, "Cluster traffic policy, endpoints not Ready", Svc.CLUSTER, "", true,
            new Ep[] {unready("10.0.0.0"), unready("10.0.0.1")}, set(), null);
        add(out, "Cluster traffic policy, some endpoints are Ready", Svc.CLUSTER, "", true,
            new Ep[] {unready("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.1"), null);
        add(out, "Cluster traffic policy, all endpoints are terminating", Svc.CLUSTER, "", true,
            new Ep[] {terminating("10.0.0.0", true), terminating("10.0.0.1", false)}, set("10.0.0.0", "10.0.0.1"),
            null);
        add(out, "iTP: Local, eTP: Cluster, some endpoints local", Svc.ITP_LOCAL_EXTERNAL, "", true,
            new Ep[] {localReady("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set("10.0.0.0"));
        add(out, "iTP: Cluster, eTP: Local, some endpoints local", Svc.ETP_LOCAL, "", true,
            new Ep[] {localReady("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set("10.0.0.0"));
        add(out, "iTP: Local, eTP: Local, some endpoints local", Svc.BOTH_LOCAL, "", true,
            new Ep[] {localReady("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set("10.0.0.0"));
        add(out, "iTP: Local, eTP: Local, all endpoints remote", Svc.BOTH_LOCAL, "", true,
            new Ep[] {ready("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set());
        add(out, "iTP: Local, eTP: Local, all endpoints remote and terminating", Svc.BOTH_LOCAL, "", true,
            new Ep[] {terminating("10.0.0.0", false), terminating("10.0.0.1", false)}, set("10.0.0.0", "10.0.0.1"),
            set());
        add(out, "iTP: Cluster, eTP: Local, with terminating endpoints", Svc.ETP_LOCAL, "", true,
            new Ep[] {ready("10.0.0.0"), new Ep("10.0.0.1", false, false, false, true, Set.of(), Set.of()),
                terminating("10.0.0.2", true), terminating("10.0.0.3", false)},
            set("10.0.0.0"), set("10.0.0.2"));
        add(out, "eTP ignored if not externally accessible", Svc.ETP_LOCAL_INTERNAL_ONLY, "", true,
            new Ep[] {ready("10.0.0.0"), localReady("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), null);
        add(out, "no cluster endpoints for iTP:Local internal-only service", Svc.ITP_LOCAL, "", true,
            new Ep[] {ready("10.0.0.0"), localReady("10.0.0.1")}, null, set("10.0.0.1"));
        add(out, "externalTrafficPolicy: Local, externally accessible, with empty endpoints", Svc.ETP_LOCAL, "", true,
            new Ep[0], set(), set());
        add(out, "externalTrafficPolicy: Local, externally accessible, but all endpoints are remote", Svc.ETP_LOCAL,
            "", true, new Ep[] {ready("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set());
        add(out, "externalTrafficPolicy: Local, externally accessible, all endpoints are local", Svc.ETP_LOCAL, "",
            true, new Ep[] {localReady("10.0.0.0"), localReady("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"),
            set("10.0.0.0", "10.0.0.1"));
        add(out, "externalTrafficPolicy: Local, externally accessible, some endpoints are local", Svc.ETP_LOCAL, "",
            true, new Ep[] {localReady("10.0.0.0"), ready("10.0.0.1")}, set("10.0.0.0", "10.0.0.1"), set("10.0.0.0"));
        return out.stream();
    }

    private static void add(final List<Arguments> out, final String name, final Svc svc, final String zone,
        final boolean nodeHints, final Ep[] endpoints, final Set<String> cluster, final Set<String> local)
    {
        out.add(Arguments.of(name, svc, NODE, zone, nodeHints, Arrays.asList(endpoints), cluster, local));
    }

    private static void addOnNode(final List<Arguments> out, final String name, final String node,
        final boolean nodeHints, final Ep[] endpoints, final Set<String> cluster)
    {
        out.add(Arguments.of(name, Svc.CLUSTER, node, "zone-a", nodeHints, Arrays.asList(endpoints), cluster, null));
    }

    private static Set<String> set(final String... ips)
    {
        final Set<String> s = new TreeSet<>();
        for (final String ip : ips)
        {
            s.add(ip + ":80");
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void categorizesAsKubeProxy(final String upstreamCase, final Svc svc, final String node, final String zone,
        final boolean nodeHints, final List<Ep> endpoints, final Set<String> cluster, final Set<String> local)
    {
        final ControlPlane cp = new ControlPlane(node, List.of("192.168.0.2"), "rr", 1);
        cp.nodeNetwork(NodeNetwork.defaults().withZone(zone).withPreferSameNode(nodeHints));
        cp.upsertService(svc.spec());
        cp.upsertSlice(new EndpointSliceSpec("ns", "svc-1", "svc", false,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)), endpoints.stream().map(Ep::spec).toList()));
        final ServicePort sp = cp.publish().servicePorts().get(0);
        assertEquals(cluster != null, svc.usesCluster(), "the case's expectations follow UsesClusterEndpoints");
        assertEquals(local != null, svc.usesLocal(), "the case's expectations follow UsesLocalEndpoints");
        if (cluster != null)
        {
            assertEquals(cluster, names(sp.clusterSet), upstreamCase + ": cluster endpoints");
        }
        if (local != null)
        {
            assertEquals(local, names(sp.localSet), upstreamCase + ": local endpoints");
        }
    }

    /** A change of the node's zone recompiles every Service: the zone filter follows the Node's label. */
    @Test
    void zoneChangeRecategorizesEveryService()
    {
        final ControlPlane cp = new ControlPlane(NODE, List.of(), "rr", 1);
        cp.nodeNetwork(NodeNetwork.defaults().withZone("zone-a"));
        cp.upsertService(Svc.CLUSTER.spec());
        cp.upsertSlice(new EndpointSliceSpec("ns", "svc-1", "svc", false,
            List.of(new EndpointPortSpec("p80", 80, Protocol.TCP)),
            List.of(ready("10.1.2.3", "zone-a").spec(), ready("10.1.2.4", "zone-b").spec())));
        assertEquals(set("10.1.2.3"), names(cp.publish().servicePorts().get(0).clusterSet));
        cp.nodeNetwork(cp.nodeNetwork().withZone("zone-b"));
        assertEquals(set("10.1.2.4"), names(cp.publish().servicePorts().get(0).clusterSet));
        cp.nodeNetwork(cp.nodeNetwork().withZone("zone-c"));
        assertEquals(set("10.1.2.3", "10.1.2.4"), names(cp.publish().servicePorts().get(0).clusterSet));
    }

    private static Set<String> names(final BackendSet set)
    {
        final Set<String> out = new TreeSet<>();
        for (int i = 0; i < set.size(); i++)
        {
            out.add(set.get(i).name);
        }
        return out;
    }
}
