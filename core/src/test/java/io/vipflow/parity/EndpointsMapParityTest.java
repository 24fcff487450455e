package io.vipflow.parity;

import io.vipflow.service.Backend;
import io.vipflow.service.BackendSet;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How EndpointSlices become each Service port's endpoints, case by case after kube-proxy's
 * {@code pkg/proxy/endpoints_test.go} {@code TestUpdateEndpointsMap} (the code it checks is
 * {@code pkg/proxy/endpointslicecache.go} {@code endpointInfoByServicePort} and {@code addEndpoints}): slices merge by
 * Service port name and protocol, a renamed slice port leaves its old Service port, a renumbered one changes the
 * backend port, and several slices of one Service add up. Each case has the upstream name, slices before and after
 * and expected maps; the slices go through {@link ControlPlane#upsertSlice} and {@link ControlPlane#deleteSlice} as
 * kube-proxy's handlers receive them, and the maps are read from the published snapshots.
 * <p>
 * kube-proxy's map is keyed by the slices' port names alone; vipflow lists endpoints for the ports of a Service, so
 * each case declares, per Service, a UDP port of every name its slices use, with {@code internalTrafficPolicy:
 * Local} so that the local set is compiled. The upstream checks map to vipflow's as follows: the endpoints map is
 * each Service port's listed backends (address, port, conditions, whether on this node); {@code
 * LocalReadyEndpoints} is the number of distinct addresses among the ready members of a Service's local sets;
 * {@code UpdatedServices} is the Services whose compiled ports are new objects after the publish. {@code
 * ConntrackCleanupRequired} has no counterpart: vipflow flushes nothing, a UDP flow whose backend left is scheduled
 * afresh at its next packet (docs/SEMANTICS-CHOICES.md, "Churn").
 */
class EndpointsMapParityTest
{
    private static final String NODE = "test-hostname";

    /** An endpoint of a fixture: address, on this node or not, and conditions (upstream nil: ready, serving). */
    private record Ep(String ip, boolean local, boolean ready, boolean serving, boolean terminating)
    {
        EndpointSpec spec()
        {
            return new EndpointSpec(List.of(ip), ready, serving, terminating, local ? NODE : null, null);
        }
    }

    /** The endpoints and ports of one upstream fixture function ({@code unnamedPort}, {@code namedPortLocal}, ...). */
    private record Fixture(List<Ep> endpoints, Map<String, Integer> ports)
    {
    }

    /** upstream {@code makeTestEndpointSlice(namespace, name, n, fixture)}: slice {@code name-n} of Service name. */
    private record Slice(String namespace, String service, int n, Fixture fixture)
    {
        String name()
        {
            return service + "-" + n;
        }

        EndpointSliceSpec spec()
        {
            final List<EndpointPortSpec> ports = new ArrayList<>();
            fixture.ports.forEach((name, port) -> ports.add(new EndpointPortSpec(name, port, Protocol.UDP)));
            final List<EndpointSpec> endpoints = new ArrayList<>();
            fixture.endpoints.forEach(e -> endpoints.add(e.spec()));
            return new EndpointSliceSpec(namespace, name(), service, false, ports, endpoints);
        }
    }

    private static Ep ep(final String ip)
    {
        return new Ep(ip, false, true, true, false);
    }

    private static Ep local(final String ip)
    {
        return new Ep(ip, true, true, true, false);
    }

    private static Fixture fixture(final List<Ep> endpoints, final Object... namesAndPorts)
    {
        final Map<String, Integer> ports = new TreeMap<>();
        for (int i = 0; i < namesAndPorts.length; i += 2)
        {
            ports.put((String)namesAndPorts[i], (Integer)namesAndPorts[i + 1]);
        }
        return new Fixture(endpoints, ports);
    }

    // The upstream fixtures, same names and contents (every port UDP).
    private static final Fixture EMPTY_ENDPOINT = fixture(List.of());
    private static final Fixture UNNAMED_PORT = fixture(List.of(ep("1.1.1.1")), "", 11);
    private static final Fixture UNNAMED_PORT_READY = fixture(List.of(new Ep("1.1.1.1", false, true, true, false)),
        "", 11);
    private static final Fixture UNNAMED_PORT_TERMINATING = fixture(
        List.of(new Ep("1.1.1.1", false, false, true, true)), "", 11);
    private static final Fixture UNNAMED_PORT_LOCAL = fixture(List.of(local("1.1.1.1")), "", 11);
    private static final Fixture NAMED_PORT_LOCAL = fixture(List.of(local("1.1.1.1")), "p11", 11);
    private static final Fixture NAMED_PORT = fixture(List.of(ep("1.1.1.1")), "p11", 11);
    private static final Fixture NAMED_PORT_RENAMED = fixture(List.of(ep("1.1.1.1")), "p11-2", 11);
    private static final Fixture NAMED_PORT_RENUMBERED = fixture(List.of(ep("1.1.1.1")), "p11", 22);
    private static final Fixture NAMED_PORTS_LOCAL_NO_LOCAL = fixture(List.of(ep("1.1.1.1"), local("1.1.1.2")),
        "p11", 11, "p12", 12);
    private static final Fixture MULTIPLE_SUBSETS_S1 = fixture(List.of(ep("1.1.1.1")), "p11", 11);
    private static final Fixture MULTIPLE_SUBSETS_S2 = fixture(List.of(ep("1.1.1.2")), "p12", 12);
    private static final Fixture MULTIPLE_SUBSETS_WITH_LOCAL_S1 = fixture(List.of(ep("1.1.1.1")), "p11", 11);
    private static final Fixture MULTIPLE_SUBSETS_WITH_LOCAL_S2 = fixture(List.of(local("1.1.1.2")), "p12", 12);
    private static final Fixture MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S1 = fixture(List.of(local("1.1.1.1")),
        "p11", 11, "p12", 12);
    private static final Fixture MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S2 = fixture(List.of(ep("1.1.1.3")),
        "p13", 13);
    private static final Fixture MULTIPLE_SUBSETS_IPS_PORTS1_S1 = fixture(List.of(ep("1.1.1.1"), local("1.1.1.2")),
        "p11", 11, "p12", 12);
    private static final Fixture MULTIPLE_SUBSETS_IPS_PORTS1_S2 = fixture(List.of(ep("1.1.1.3"), local("1.1.1.4")),
        "p13", 13, "p14", 14);
    private static final Fixture MULTIPLE_SUBSETS_IPS_PORTS2 = fixture(List.of(ep("2.2.2.1"), local("2.2.2.2")),
        "p21", 21, "p22", 22);
    private static final Fixture COMPLEX_BEFORE1 = fixture(List.of(ep("1.1.1.1")), "p11", 11);
    private static final Fixture COMPLEX_BEFORE2_S1 = fixture(List.of(local("2.2.2.2"), local("2.2.2.22")),
        "p22", 22);
    private static final Fixture COMPLEX_BEFORE2_S2 = fixture(List.of(local("2.2.2.3")), "p23", 23);
    private static final Fixture COMPLEX_BEFORE4_S1 = fixture(List.of(local("4.4.4.4"), local("4.4.4.5")),
        "p44", 44);
    private static final Fixture COMPLEX_BEFORE4_S2 = fixture(List.of(local("4.4.4.6")), "p45", 45);
    private static final Fixture COMPLEX_AFTER1_S1 = fixture(List.of(ep("1.1.1.1"), ep("1.1.1.11")), "p11", 11);
    private static final Fixture COMPLEX_AFTER1_S2 = fixture(List.of(ep("1.1.1.2")), "p12", 12, "p122", 122);
    private static final Fixture COMPLEX_AFTER3 = fixture(List.of(ep("3.3.3.3")), "p33", 33);
    private static final Fixture COMPLEX_AFTER4 = fixture(List.of(local("4.4.4.4")), "p44", 44);

    private static Slice s(final String namespace, final String service, final int n, final Fixture fixture)
    {
        return new Slice(namespace, service, n, fixture);
    }

    /** An expected endpoints map: Service port name (upstream {@code ServicePortName.String()}) to endpoints. */
    private static Map<String, Set<String>> map(final Object... keysAndEndpoints)
    {
        final Map<String, Set<String>> out = new TreeMap<>();
        for (int i = 0; i < keysAndEndpoints.length; i += 2)
        {
            out.put((String)keysAndEndpoints[i], new TreeSet<>(Arrays.asList((String[])keysAndEndpoints[i + 1])));
        }
        return out;
    }

    private static String[] eps(final String... endpoints)
    {
        return endpoints;
    }

    private static Map<String, Integer> locals(final Object... keysAndCounts)
    {
        final Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < keysAndCounts.length; i += 2)
        {
            out.put((String)keysAndCounts[i], (Integer)keysAndCounts[i + 1]);
        }
        return out;
    }

    private static Arguments testCase(final String name, final List<Slice> previous, final List<Slice> current,
        final Map<String, Set<String>> previousMap, final Map<String, Set<String>> expected,
        final Map<String, Integer> localReady, final Set<String> changed)
    {
        return Arguments.of(name, previous, current, previousMap, expected, localReady, changed);
    }

    private static List<Slice> slices(final Slice... slices)
    {
        return Arrays.asList(slices);
    }

    static Stream<Arguments> cases()
    {
        return Stream.of(
            testCase("empty", slices(), slices(), map(), map(), locals(), Set.of()),
            testCase("no change, unnamed port",
                slices(s("ns1", "ep1", 1, UNNAMED_PORT)), slices(s("ns1", "ep1", 1, UNNAMED_PORT)),
                map("ns1/ep1", eps("1.1.1.1:11")), map("ns1/ep1", eps("1.1.1.1:11")), locals(), Set.of()),
            testCase("no change, named port, local",
                slices(s("ns1", "ep1", 1, NAMED_PORT_LOCAL)), slices(s("ns1", "ep1", 1, NAMED_PORT_LOCAL)),
                map("ns1/ep1:p11", eps("1.1.1.1:11 local")), map("ns1/ep1:p11", eps("1.1.1.1:11 local")),
                locals("ns1/ep1", 1), Set.of()),
            testCase("no change, multiple slices",
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_S1), s("ns1", "ep1", 2, MULTIPLE_SUBSETS_S2)),
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_S1), s("ns1", "ep1", 2, MULTIPLE_SUBSETS_S2)),
                map("ns1/ep1:p11", eps("1.1.1.1:11"), "ns1/ep1:p12", eps("1.1.1.2:12")),
                map("ns1/ep1:p11", eps("1.1.1.1:11"), "ns1/ep1:p12", eps("1.1.1.2:12")), locals(), Set.of()),
            testCase("no change, multiple slices, multiple ports, local",
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S1),
                    s("ns1", "ep1", 2, MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S2)),
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S1),
                    s("ns1", "ep1", 2, MULTIPLE_SUBSETS_MULTIPLE_PORTS_LOCAL_S2)),
                map("ns1/ep1:p11", eps("1.1.1.1:11 local"), "ns1/ep1:p12", eps("1.1.1.1:12 local"),
                    "ns1/ep1:p13", eps("1.1.1.3:13")),
                map("ns1/ep1:p11", eps("1.1.1.1:11 local"), "ns1/ep1:p12", eps("1.1.1.1:12 local"),
                    "ns1/ep1:p13", eps("1.1.1.3:13")),
                locals("ns1/ep1", 1), Set.of()),
            testCase("no change, multiple services, slices, IPs, and ports",
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_IPS_PORTS1_S1), s("ns1", "ep1", 2,
                    MULTIPLE_SUBSETS_IPS_PORTS1_S2), s("ns2", "ep2", 1, MULTIPLE_SUBSETS_IPS_PORTS2)),
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_IPS_PORTS1_S1), s("ns1", "ep1", 2,
                    MULTIPLE_SUBSETS_IPS_PORTS1_S2), s("ns2", "ep2", 1, MULTIPLE_SUBSETS_IPS_PORTS2)),
                multipleServicesMap(), multipleServicesMap(), locals("ns1/ep1", 2, "ns2/ep2", 1), Set.of()),
            testCase("add an EndpointSlice",
                slices((Slice)null), slices(s("ns1", "ep1", 1, UNNAMED_PORT_LOCAL)),
                map(), map("ns1/ep1", eps("1.1.1.1:11 local")), locals("ns1/ep1", 1), Set.of("ns1/ep1")),
            testCase("remove an EndpointSlice",
                slices(s("ns1", "ep1", 1, UNNAMED_PORT_LOCAL)), slices((Slice)null),
                map("ns1/ep1", eps("1.1.1.1:11 local")), map(), locals(), Set.of("ns1/ep1")),
            testCase("add an IP and port",
                slices(s("ns1", "ep1", 1, NAMED_PORT)), slices(s("ns1", "ep1", 1, NAMED_PORTS_LOCAL_NO_LOCAL)),
                map("ns1/ep1:p11", eps("1.1.1.1:11")),
                map("ns1/ep1:p11", eps("1.1.1.1:11", "1.1.1.2:11 local"),
                    "ns1/ep1:p12", eps("1.1.1.1:12", "1.1.1.2:12 local")),
                locals("ns1/ep1", 1), Set.of("ns1/ep1")),
            testCase("remove an IP and port",
                slices(s("ns1", "ep1", 1, NAMED_PORTS_LOCAL_NO_LOCAL)), slices(s("ns1", "ep1", 1, NAMED_PORT)),
                map("ns1/ep1:p11", eps("1.1.1.1:11", "1.1.1.2:11 local"),
                    "ns1/ep1:p12", eps("1.1.1.1:12", "1.1.1.2:12 local")),
                map("ns1/ep1:p11", eps("1.1.1.1:11")), locals(), Set.of("ns1/ep1")),
            testCase("add a slice to an endpoint",
                slices(s("ns1", "ep1", 1, NAMED_PORT), null),
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_WITH_LOCAL_S1),
                    s("ns1", "ep1", 2, MULTIPLE_SUBSETS_WITH_LOCAL_S2)),
                map("ns1/ep1:p11", eps("1.1.1.1:11")),
                map("ns1/ep1:p11", eps("1.1.1.1:11"), "ns1/ep1:p12", eps("1.1.1.2:12 local")),
                locals("ns1/ep1", 1), Set.of("ns1/ep1")),
            testCase("remove a slice from an endpoint",
                slices(s("ns1", "ep1", 1, MULTIPLE_SUBSETS_S1), s("ns1", "ep1", 2, MULTIPLE_SUBSETS_S2)),
                slices(s("ns1", "ep1", 1, NAMED_PORT), null),
                map("ns1/ep1:p11", eps("1.1.1.1:11"), "ns1/ep1:p12", eps("1.1.1.2:12")),
                map("ns1/ep1:p11", eps("1.1.1.1:11")), locals(), Set.of("ns1/ep1")),
            testCase("rename a port",
                slices(s("ns1", "ep1", 1, NAMED_PORT)), slices(s("ns1", "ep1", 1, NAMED_PORT_RENAMED)),
                map("ns1/ep1:p11", eps("1.1.1.1:11")), map("ns1/ep1:p11-2", eps("1.1.1.1:11")), locals(),
                Set.of("ns1/ep1")),
            testCase("renumber a port",
                slices(s("ns1", "ep1", 1, NAMED_PORT)), slices(s("ns1", "ep1", 1, NAMED_PORT_RENUMBERED)),
                map("ns1/ep1:p11", eps("1.1.1.1:11")), map("ns1/ep1:p11", eps("1.1.1.1:22")), locals(),
                Set.of("ns1/ep1")),
            testCase("complex add and remove",
                slices(s("ns1", "ep1", 1, COMPLEX_BEFORE1), null,
                    s("ns2", "ep2", 1, COMPLEX_BEFORE2_S1), s("ns2", "ep2", 2, COMPLEX_BEFORE2_S2),
                    null, null,
                    s("ns4", "ep4", 1, COMPLEX_BEFORE4_S1), s("ns4", "ep4", 2, COMPLEX_BEFORE4_S2)),
                slices(s("ns1", "ep1", 1, COMPLEX_AFTER1_S1), s("ns1", "ep1", 2, COMPLEX_AFTER1_S2),
                    null, null,
                    s("ns3", "ep3", 1, COMPLEX_AFTER3), null,
                    s("ns4", "ep4", 1, COMPLEX_AFTER4), null),
                map("ns1/ep1:p11", eps("1.1.1.1:11"),
                    "ns2/ep2:p22", eps("2.2.2.22:22 local", "2.2.2.2:22 local"),
                    "ns2/ep2:p23", eps("2.2.2.3:23 local"),
                    "ns4/ep4:p44", eps("4.4.4.4:44 local", "4.4.4.5:44 local"),
                    "ns4/ep4:p45", eps("4.4.4.6:45 local")),
                map("ns1/ep1:p11", eps("1.1.1.11:11", "1.1.1.1:11"),
                    "ns1/ep1:p12", eps("1.1.1.2:12"),
                    "ns1/ep1:p122", eps("1.1.1.2:122"),
                    "ns3/ep3:p33", eps("3.3.3.3:33"),
                    "ns4/ep4:p44", eps("4.4.4.4:44 local")),
                locals("ns4/ep4", 1), Set.of("ns1/ep1", "ns2/ep2", "ns3/ep3", "ns4/ep4")),
            testCase("change from 0 endpoint address to 1 unnamed port",
                slices(s("ns1", "ep1", 1, EMPTY_ENDPOINT)), slices(s("ns1", "ep1", 1, UNNAMED_PORT)),
                map(), map("ns1/ep1", eps("1.1.1.1:11")), locals(), Set.of("ns1/ep1")),
            testCase("change from ready to terminating pod",
                slices(s("ns1", "ep1", 1, UNNAMED_PORT_READY)), slices(s("ns1", "ep1", 1, UNNAMED_PORT_TERMINATING)),
                map("ns1/ep1", eps("1.1.1.1:11")), map("ns1/ep1", eps("1.1.1.1:11 not-ready terminating")),
                locals(), Set.of("ns1/ep1")),
            testCase("change from terminating to empty pod",
                slices(s("ns1", "ep1", 1, UNNAMED_PORT_TERMINATING)), slices(s("ns1", "ep1", 1, EMPTY_ENDPOINT)),
                map("ns1/ep1", eps("1.1.1.1:11 not-ready terminating")), map(), locals(), Set.of("ns1/ep1")));
    }

    private static Map<String, Set<String>> multipleServicesMap()
    {
        return map("ns1/ep1:p11", eps("1.1.1.1:11", "1.1.1.2:11 local"),
            "ns1/ep1:p12", eps("1.1.1.1:12", "1.1.1.2:12 local"),
            "ns1/ep1:p13", eps("1.1.1.3:13", "1.1.1.4:13 local"),
            "ns1/ep1:p14", eps("1.1.1.3:14", "1.1.1.4:14 local"),
            "ns2/ep2:p21", eps("2.2.2.1:21", "2.2.2.2:21 local"),
            "ns2/ep2:p22", eps("2.2.2.1:22", "2.2.2.2:22 local"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void updateEndpointsMap(final String name, final List<Slice> previous, final List<Slice> current,
        final Map<String, Set<String>> previousMap, final Map<String, Set<String>> expected,
        final Map<String, Integer> localReady, final Set<String> changed)
    {
        final ControlPlane cp = new ControlPlane(NODE, List.of(), "rr", 0);
        services(previous, current).forEach(cp::upsertService);
        for (final Slice slice : previous)
        {
            if (slice != null)
            {
                cp.upsertSlice(slice.spec());
            }
        }
        final Snapshot before = cp.publish();
        assertEquals(previousMap, endpointsMap(before), name + ": map after the previous slices");

        for (int i = 0; i < previous.size(); i++)
        {
            final Slice prev = previous.get(i);
            final Slice curr = current.get(i);
            if (curr != null)
            {
                cp.upsertSlice(curr.spec());
            }
            else if (prev != null)
            {
                cp.deleteSlice(prev.namespace, prev.name());
            }
        }
        final Snapshot after = cp.publish();
        assertEquals(expected, endpointsMap(after), name + ": map");
        assertEquals(localReady, localReadyEndpoints(after), name + ": local ready endpoints");
        assertEquals(changed, recompiled(before, after), name + ": updated Services");
    }

    /**
     * One ClusterIP Service per Service the case's slices name, with a UDP port of every name they use (the
     * number is immaterial: endpoints match by name and protocol) and {@code internalTrafficPolicy: Local}.
     */
    private static List<ServiceSpec> services(final List<Slice> previous, final List<Slice> current)
    {
        final Map<String, Set<String>> portNames = new TreeMap<>();
        for (final List<Slice> list : List.of(previous, current))
        {
            for (final Slice slice : list)
            {
                if (slice != null)
                {
                    portNames.computeIfAbsent(slice.namespace + "/" + slice.service, k -> new TreeSet<>())
                        .addAll(slice.fixture.ports.keySet());
                }
            }
        }
        final List<ServiceSpec> out = new ArrayList<>();
        int index = 0;
        for (final Map.Entry<String, Set<String>> e : portNames.entrySet())
        {
            final String[] key = e.getKey().split("/");
            final List<ServicePortSpec> ports = new ArrayList<>();
            for (final String portName : e.getValue())
            {
                ports.add(new ServicePortSpec(portName, 1000 + ports.size(), Protocol.UDP, 0));
            }
            out.add(ServiceSpec.builder(key[0], key[1]).clusterIps("172.30.0." + (10 + index++))
                .ports(ports.toArray(new ServicePortSpec[0])).internalTrafficLocal(true).build());
        }
        return out;
    }

    /** Upstream's {@code EndpointsMap} as vipflow holds it: the listed backends of each Service port. */
    private static Map<String, Set<String>> endpointsMap(final Snapshot snapshot)
    {
        final Map<String, Set<String>> out = new TreeMap<>();
        for (final ServicePort sp : snapshot.servicePorts())
        {
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                out.computeIfAbsent(portName(sp), k -> new TreeSet<>()).add(b.name +
                    (NODE.equals(b.nodeName) ? " local" : "") + (b.ready ? "" : " not-ready") +
                    (b.serving ? "" : " not-serving") + (b.terminating ? " terminating" : ""));
            }
        }
        return out;
    }

    /** upstream {@code ServicePortName.String()}: {@code namespace/name}, then {@code :port} when named. */
    private static String portName(final ServicePort sp)
    {
        return sp.service.key() + (sp.port.name().isEmpty() ? "" : ":" + sp.port.name());
    }

    /** upstream {@code LocalReadyEndpoints}: per Service, the distinct addresses of ready local-set members. */
    private static Map<String, Integer> localReadyEndpoints(final Snapshot snapshot)
    {
        final Map<String, Set<String>> addresses = new HashMap<>();
        for (final ServicePort sp : snapshot.servicePorts())
        {
            final BackendSet local = sp.localSet;
            for (int i = 0; i < local.size(); i++)
            {
                if (local.get(i).ready)
                {
                    addresses.computeIfAbsent(sp.service.key(), k -> new HashSet<>())
                        .add(local.get(i).socketAddress().getAddress().getHostAddress());
                }
            }
        }
        final Map<String, Integer> out = new TreeMap<>();
        addresses.forEach((service, set) -> out.put(service, set.size()));
        return out;
    }

    /** The Services whose compiled ports the second publish replaced (the first one's objects are kept otherwise). */
    private static Set<String> recompiled(final Snapshot before, final Snapshot after)
    {
        final Map<String, List<ServicePort>> was = byService(before);
        final Map<String, List<ServicePort>> now = byService(after);
        final Set<String> out = new TreeSet<>();
        final Set<String> keys = new HashSet<>(was.keySet());
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

    private static Map<String, List<ServicePort>> byService(final Snapshot snapshot)
    {
        final Map<String, List<ServicePort>> out = new TreeMap<>();
        for (final ServicePort sp : snapshot.servicePorts())
        {
            out.computeIfAbsent(sp.service.key(), k -> new ArrayList<>()).add(sp);
        }
        out.values().forEach(list -> list.sort((x, y) -> Integer.compare(x.id, y.id)));
        return out;
    }
}
