package io.vipflow.harness.gen;

import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

class ChurnGeneratorTest
{
    private static final ServiceShape WEB = new ServiceShape("shop", "web", 20,
        List.of(new PortShape("http", 80, 8080, Protocol.TCP)), true, true, 5, 30, 0);
    private static final ServiceShape DNS = new ServiceShape("kube-system", "dns", 3,
        List.of(new PortShape("dns", 53, 53, Protocol.UDP)), true, false, 2, 5, 0);
    private static final ClusterShape CLUSTER = new ClusterShape(5, List.of(WEB, DNS));

    private static ChurnAction.RollingUpdate rollout(final double at, final String surge, final String unavailable)
    {
        return new ChurnAction.RollingUpdate(at, "web", ChurnAction.Amount.parse(surge),
            ChurnAction.Amount.parse(unavailable));
    }

    @Test
    void sameSeedSameEvents()
    {
        final List<ChurnAction> script = List.of(rollout(5, "25%", "25%"),
            new ChurnAction.CrashLoop(8, "web", 2, 2, 5), new ChurnAction.NodeFailure(40, 2, 3));
        final GeneratedCluster a = ChurnGenerator.generate(CLUSTER, script, 9, 200);
        final GeneratedCluster b = ChurnGenerator.generate(CLUSTER, script, 9, 200);
        assertEquals(a, b);
        assertFalse(a.events().isEmpty());
        assertTrue(a.events().size() != ChurnGenerator.generate(CLUSTER, script, 10, 200).events().size() ||
            !a.equals(ChurnGenerator.generate(CLUSTER, script, 10, 200)), "another seed changes the timings");
    }

    @Test
    void everyGeneratedObjectIsAcceptedByAControlPlane()
    {
        qt().withExamples(40).forAll(Generators.generatedClusters()).checkAssert(cluster ->
        {
            final ControlPlane cp = new ControlPlane(ClusterGenerator.BALANCER_NODE,
                List.of(ClusterGenerator.BALANCER_NODE_IP), "maglev", 1);
            ClusterApplier.applyAll(cp, cluster.initial());
            cp.publish();
            double previous = 0;
            for (final ChurnEvent e : cluster.events())
            {
                assertTrue(e.atSeconds() >= previous, "events in time order");
                previous = e.atSeconds();
                ClusterApplier.apply(cp, e);
                cp.publish();
            }
        });
    }

    @Test
    void rollingUpdateKeepsEnoughReadyPodsAndDrainsTerminatingOnes()
    {
        for (final String[] amounts : new String[][] {{"25%", "25%"}, {"1", "0"}, {"0", "2"}, {"50%", "10%"}})
        {
            final GeneratedCluster c = ChurnGenerator.generate(CLUSTER, List.of(rollout(10, amounts[0], amounts[1])),
                3, 300);
            final int minReady = 20 - ChurnAction.Amount.parse(amounts[1]).resolve(20, false);
            final Map<String, EndpointSpec> web = new HashMap<>();
            state(web, c.initial().slices());
            final Set<String> everTerminating = new HashSet<>();
            final Set<String> initial = new HashSet<>(web.keySet());
            for (final List<ChurnEvent> instant : byInstant(c.events()))
            {
                final Map<String, EndpointSpec> before = new HashMap<>(web);
                for (final ChurnEvent e : instant)
                {
                    if (e.slice() != null && e.slice().serviceName().equals("web") && !e.slice().ipv6())
                    {
                        web.keySet().removeIf(k -> k.startsWith(e.slice().name() + " "));
                        state(web, List.of(e.slice()));
                    }
                }
                final long ready = web.values().stream().filter(EndpointSpec::ready).count();
                assertTrue(ready >= minReady, amounts[0] + "/" + amounts[1] + ": " + ready + " ready < " + minReady +
                    " at " + instant.get(0).atSeconds());
                for (final Map.Entry<String, EndpointSpec> e : before.entrySet())
                {
                    final EndpointSpec now = web.get(e.getKey());
                    if (e.getValue().terminating())
                    {
                        everTerminating.add(e.getKey());
                        assertTrue(now == null || (now.terminating() && now.serving()),
                            "a terminating endpoint stays serving-and-terminating until it is removed: " + e.getKey());
                    }
                }
                web.values().stream().filter(EndpointSpec::terminating)
                    .forEach(x -> assertTrue(x.serving(), "old pods were ready, so they drain while serving"));
            }
            assertEquals(20, web.values().stream().filter(EndpointSpec::ready).count(), "rollout completes");
            assertTrue(web.keySet().stream().noneMatch(initial::contains),
                amounts[0] + "/" + amounts[1] + ": every old pod was replaced: " + web.keySet());
            assertTrue(everTerminating.containsAll(initial), "every old pod drained before removal");
        }
    }

    @Test
    void crashLoopReplacesPodsWithNewAddresses()
    {
        final GeneratedCluster c = ChurnGenerator.generate(CLUSTER,
            List.of(new ChurnAction.CrashLoop(5, "web", 2, 3, 5)), 4, 400);
        final Set<String> seen = new HashSet<>();
        c.initial().slices().forEach(s -> s.endpoints().forEach(e -> seen.add(e.addresses().get(0))));
        final Set<String> current = new HashSet<>();
        int fresh = 0;
        int unready = 0;
        for (final ChurnEvent e : c.events())
        {
            if (e.slice() == null || !e.slice().serviceName().equals("web") || e.slice().ipv6())
            {
                continue;
            }
            current.clear();
            for (final EndpointSpec ep : e.slice().endpoints())
            {
                current.add(ep.addresses().get(0));
                if (seen.add(ep.addresses().get(0)))
                {
                    fresh++;
                }
                if (!ep.ready() && !ep.serving() && !ep.terminating())
                {
                    unready++;
                }
            }
        }
        assertEquals(6, fresh, "two pods, three restarts each, every replacement with an address never used before");
        assertTrue(unready > 0, "a crashed pod is listed not-ready during its back-off");
        assertEquals(20, current.size());
    }

    @Test
    void nodeFailureRemovesEveryPodOfTheNodeAtOnce()
    {
        final GeneratedCluster c = ChurnGenerator.generate(CLUSTER, List.of(new ChurnAction.NodeFailure(10, 2, 0)), 5,
            120);
        final String node = ClusterGenerator.nodeName(2);
        final Map<String, EndpointSliceSpec> slices = new TreeMap<>();
        c.initial().slices().forEach(s -> slices.put(s.key(), s));
        assertTrue(count(slices, node) > 0, "node-2 runs pods");
        for (final List<ChurnEvent> instant : byInstant(c.events()))
        {
            instant.stream().filter(e -> e.slice() != null).forEach(e -> slices.put(e.slice().key(), e.slice()));
            final int left = count(slices, node);
            assertTrue(left == 0 || instant.get(0).atSeconds() < 10, "after 10 s no pod of node-2 is listed");
            if (instant.get(0).atSeconds() == 10)
            {
                assertEquals(0, left, "every pod of the node leaves in the same instant");
            }
        }
        final long listed = slices.values().stream().filter(s -> s.serviceName().equals("web") && !s.ipv6())
            .mapToLong(s -> s.endpoints().size()).sum();
        assertEquals(20, listed, "the Deployment replaced the lost pods elsewhere");
    }

    @Test
    void scaleAndServiceLifecycle()
    {
        final ServiceShape api = new ServiceShape("shop", "api", 4, List.of(new PortShape("grpc", 9090, 9090,
            Protocol.TCP)), true, false, 1, 2, 0);
        final GeneratedCluster c = ChurnGenerator.generate(CLUSTER, List.of(new ChurnAction.Scale(5, "web", 30),
            new ChurnAction.AddService(10, api), new ChurnAction.Scale(20, "web", 8),
            new ChurnAction.RemoveService(60, "api")), 6, 120);
        final Map<String, EndpointSliceSpec> slices = new TreeMap<>();
        c.initial().slices().forEach(s -> slices.put(s.key(), s));
        boolean apiAdded = false;
        boolean apiDeleted = false;
        for (final ChurnEvent e : c.events())
        {
            if (e.kind() == ChurnEvent.Kind.SERVICE)
            {
                apiAdded |= e.type() == ChurnEvent.Type.ADDED && e.name().equals("api");
                apiDeleted |= e.type() == ChurnEvent.Type.DELETED && e.name().equals("api");
            }
            else if (e.type() == ChurnEvent.Type.DELETED)
            {
                slices.remove(e.key());
            }
            else
            {
                slices.put(e.key(), e.slice());
            }
        }
        assertTrue(apiAdded && apiDeleted);
        assertTrue(slices.values().stream().noneMatch(s -> s.serviceName().equals("api")), "api's slices deleted");
        assertEquals(8, slices.get("shop/web-ipv4-0").endpoints().size(), "scaled down to 8");
        assertEquals(3, c.services().size(), "web, dns and api were declared");
    }

    private static int count(final Map<String, EndpointSliceSpec> slices, final String node)
    {
        int n = 0;
        for (final EndpointSliceSpec s : slices.values())
        {
            n += (int)s.endpoints().stream().filter(e -> e.nodeName().equals(node)).count();
        }
        return n;
    }

    private static void state(final Map<String, EndpointSpec> web, final List<EndpointSliceSpec> slices)
    {
        for (final EndpointSliceSpec s : slices)
        {
            if (s.serviceName().equals("web") && !s.ipv6())
            {
                s.endpoints().forEach(e -> web.put(s.name() + " " + e.addresses().get(0), e));
            }
        }
    }

    static List<List<ChurnEvent>> byInstant(final List<ChurnEvent> events)
    {
        final List<List<ChurnEvent>> out = new ArrayList<>();
        for (final ChurnEvent e : events)
        {
            if (out.isEmpty() || out.get(out.size() - 1).get(0).atNanos() != e.atNanos())
            {
                out.add(new ArrayList<>());
            }
            out.get(out.size() - 1).add(e);
        }
        return out;
    }
}
