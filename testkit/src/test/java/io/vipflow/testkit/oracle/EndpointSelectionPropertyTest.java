package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.service.Backend;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Endpoint selection alone (docs/SEMANTICS.md §2): random endpoint condition mixes across slices and families give
 * the classifier the same listed backends, cluster sets and local sets as the model, and both obey the rules.
 * <p>
 * Each endpoint is one integer: bit 0 ready, bit 1 serving, bit 2 terminating, bits 3-4 node (this node, another,
 * unset, this node), bits 5-7 address, bit 8 which of two slices, bit 9 IPv6.
 */
class EndpointSelectionPropertyTest
{
    private static final String NODE = "node-a";
    private static final ServicePortSpec HTTP = new ServicePortSpec("http", 80, Protocol.TCP, 30080);
    private static final ServicePortSpec DNS = new ServicePortSpec("", 53, Protocol.UDP, 0);

    @Test
    void classifierSetsEqualTheModelsAndFollowTheRules()
    {
        qt().withFixedSeed(0x5e1ec7L).withExamples(400)
            .forAll(lists().of(integers().between(0, 1023)).ofSizeBetween(0, 10), booleans().all())
            .checkAssert(this::check);
    }

    private void check(final List<Integer> codes, final boolean localPolicies)
    {
        final ServiceSpec service = new ServiceSpec("default", "web", ServiceType.NODE_PORT,
            List.of("10.96.0.1", "fd00:96::1"), List.of(), List.of(), List.of(), List.of(HTTP, DNS), 0,
            localPolicies, localPolicies, null);
        final List<EndpointSliceSpec> slices = slices(codes);
        final ControlPlane controlPlane = new ControlPlane(NODE, List.of("192.168.0.10"), "rr", 1);
        final ReferenceModel model = new ReferenceModel(NODE, List.of("192.168.0.10"), ClassifierConfig.defaults());
        controlPlane.upsertService(service);
        model.upsertService(service);
        for (final EndpointSliceSpec s : slices)
        {
            controlPlane.upsertSlice(s);
            model.upsertSlice(s);
        }
        controlPlane.publish();

        final List<ServicePort> ports = controlPlane.current().servicePorts();
        assertEquals(4, ports.size(), "two ports, two families");
        for (final ServicePort sp : ports)
        {
            final String what = sp + " from " + codes;
            final BackendSelection expected = model.selection("default", "web", sp.port, sp.ipv6);
            assertNotNull(expected, what);
            final List<Backend> listed = new ArrayList<>();
            for (int i = 0; i < sp.listedCount(); i++)
            {
                listed.add(sp.listed(i));
            }
            assertEquals(expected.listed().keySet(), names(listed), what + ": listed");
            assertEquals(expected.cluster(), ClusterScenario.names(sp.clusterSet), what + ": cluster set");
            if (localPolicies)
            {
                assertEquals(expected.local(), ClusterScenario.names(sp.localSet), what + ": local set");
            }
            for (final Backend b : listed)
            {
                assertEquals(expected.cluster().contains(b.name), b.inClusterSet, what + ": " + b);
                assertEquals(expected.local().contains(b.name), b.inLocalSet, what + ": " + b);
            }
            assertRules(listed, ClusterScenario.names(sp.clusterSet), what + ": cluster rule");
            final List<Backend> local = new ArrayList<>();
            for (final Backend b : listed)
            {
                if (NODE.equals(b.nodeName))
                {
                    local.add(b);
                }
            }
            final Set<String> localSet = new TreeSet<>();
            listed.stream().filter(b -> b.inLocalSet).forEach(b -> localSet.add(b.name));
            assertRules(local, localSet, what + ": local rule");
            assertListingRule(slices, sp, listed, what);
        }
    }

    /** §2 rule 1: ready endpoints are in; with none ready, exactly the serving and terminating ones are in. */
    private static void assertRules(final List<Backend> candidates, final Set<String> set, final String what)
    {
        final boolean anyReady = candidates.stream().anyMatch(b -> b.ready);
        final Set<String> expected = new TreeSet<>();
        for (final Backend b : candidates)
        {
            if (b.ready)
            {
                assertTrue(set.contains(b.name), what + ": ready " + b + " missing from " + set);
            }
            if (anyReady ? b.ready : b.serving && b.terminating)
            {
                expected.add(b.name);
            }
        }
        assertEquals(expected, set, what);
    }

    /**
     * The conditions of a listed backend are those of its first non-terminating listing in slice-name order, or of
     * its first listing when every listing is terminating (kube-proxy endpointslicecache.go addEndpoints).
     */
    private static void assertListingRule(final List<EndpointSliceSpec> slices, final ServicePort sp,
        final List<Backend> listed, final String what)
    {
        final Map<String, EndpointSpec> first = new TreeMap<>();
        for (final EndpointSliceSpec s : slices)
        {
            if (s.ipv6() != sp.ipv6 || s.ports().stream().noneMatch(p -> p.name().equals(sp.port.name())))
            {
                continue;
            }
            final int target = s.ports().stream().filter(p -> p.name().equals(sp.port.name())).findFirst()
                .orElseThrow().port();
            for (final EndpointSpec e : s.endpoints())
            {
                final String address = e.addresses().get(0);
                first.merge(sp.ipv6 ? "[" + address + "]:" + target : address + ":" + target, e,
                    (held, other) -> held.terminating() && !other.terminating() ? other : held);
            }
        }
        assertEquals(first.keySet(), names(listed), what + ": listed names");
        for (final Backend b : listed)
        {
            final EndpointSpec e = first.get(b.name);
            assertEquals(List.of(e.ready(), e.serving(), e.terminating(), e.nodeName()),
                List.of(b.ready, b.serving, b.terminating, b.nodeName), what + ": " + b);
        }
    }

    private static Set<String> names(final List<Backend> backends)
    {
        final Set<String> names = new HashSet<>();
        backends.forEach(b -> names.add(b.name));
        return names;
    }

    /** Slices "web-0" (http only) and "web-1" (http and the unnamed UDP port), per family. */
    private static List<EndpointSliceSpec> slices(final List<Integer> codes)
    {
        final List<EndpointSliceSpec> out = new ArrayList<>();
        for (final boolean ipv6 : new boolean[] {false, true})
        {
            for (int slice = 0; slice < 2; slice++)
            {
                final List<EndpointSpec> endpoints = new ArrayList<>();
                for (final int code : codes)
                {
                    if (((code >> 8) & 1) == slice && ((code >> 9) & 1) == (ipv6 ? 1 : 0))
                    {
                        endpoints.add(endpoint(code, ipv6));
                    }
                }
                final List<EndpointPortSpec> ports = slice == 0 ?
                    List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)) :
                    List.of(new EndpointPortSpec("", 5353, Protocol.UDP), new EndpointPortSpec("http", 8080,
                        Protocol.TCP));
                out.add(new EndpointSliceSpec("default", "web-" + (ipv6 ? "v6-" : "v4-") + slice, "web", ipv6,
                    ports, endpoints));
            }
        }
        return out;
    }

    private static EndpointSpec endpoint(final int code, final boolean ipv6)
    {
        final int host = 1 + ((code >> 5) & 7);
        final String node = List.of(NODE, "node-b", "", NODE).get((code >> 3) & 3);
        return new EndpointSpec(List.of(ipv6 ? "fd00:244::" + host : "10.244.0." + host), (code & 1) != 0,
            (code & 2) != 0, (code & 4) != 0, node, "");
    }
}
