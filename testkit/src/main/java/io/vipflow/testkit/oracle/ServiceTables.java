package io.vipflow.testkit.oracle;

import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.ServiceType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference model's control-plane state: the Service and EndpointSlice records, the node's addresses, network
 * and proxy mode, and what is re-derived from them after every change: which Service port wins each frontend
 * (docs/SEMANTICS.md §1), the backends and sets of each Service port (§2), and the incarnation of every listed
 * backend (§4).
 * <p>
 * Single-threaded: owned by one {@link ReferenceModel}, which calls it from the thread that drives it.
 */
final class ServiceTables
{
    private final String nodeName;
    private final List<String> nodeIps = new ArrayList<>();
    private NodeNetwork network = NodeNetwork.defaults();
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    private final TreeMap<String, ServiceSpec> services = new TreeMap<>();
    private final Map<String, EndpointSliceSpec> slices = new HashMap<>();

    /** Derived from the records above after every change: frontend match key to frontend. */
    private Map<String, ModelFrontend> frontends = Map.of();
    /** Derived: Service port key (Service, port, protocol, family) to its listed backends and sets. */
    private Map<String, BackendSelection> selections = Map.of();
    /** Derived: "portKey backendName" to the incarnation of that backend while it stays listed. */
    private Map<String, Long> incarnations = Map.of();
    /**
     * Derived: "portKey backendName incarnation" of every backend incarnation that left a Service port which is still
     * there; flows that name one may go on under the KEEP and DRAIN removed-backend policies.
     */
    private Set<String> departed = Set.of();
    private long lastIncarnation;

    /**
     * @param nodeName this node's name ("" or null: no endpoint is local)
     * @param nodeIps  this node's addresses, the NodePort frontends
     */
    ServiceTables(final String nodeName, final List<String> nodeIps)
    {
        this.nodeName = nodeName == null ? "" : nodeName;
        for (final String ip : nodeIps)
        {
            this.nodeIps.add(ModelAddress.canonical(ip));
        }
    }

    NodeNetwork network()
    {
        return network;
    }

    void network(final NodeNetwork next)
    {
        network = next;
        rebuild();
    }

    ProxyMode proxyMode()
    {
        return proxyMode;
    }

    void proxyMode(final ProxyMode mode)
    {
        proxyMode = mode;
        rebuild();
    }

    /** Rejects unparsable addresses and ranges before the Service is held. */
    void upsertService(final ServiceSpec spec)
    {
        for (final List<String> ips : List.of(spec.clusterIps(), spec.externalIps(), spec.loadBalancerIps()))
        {
            ips.forEach(ModelAddress::canonical);
        }
        spec.loadBalancerSourceRanges().forEach(cidr -> ModelAddress.inCidr("0.0.0.0", cidr));
        services.put(spec.key(), spec);
        rebuild();
    }

    void deleteService(final String namespace, final String name)
    {
        services.remove(namespace + "/" + name);
        rebuild();
    }

    /** Rejects an endpoint address of the other family than the slice's. */
    void upsertSlice(final EndpointSliceSpec slice)
    {
        for (final EndpointSpec e : slice.endpoints())
        {
            for (final String address : e.addresses())
            {
                if (ModelAddress.isIpv6(ModelAddress.canonical(address)) != slice.ipv6())
                {
                    throw new IllegalArgumentException("address " + address + " is not of the family of " +
                        slice.key());
                }
            }
        }
        slices.put(slice.key(), slice);
        rebuild();
    }

    void deleteSlice(final String namespace, final String name)
    {
        slices.remove(namespace + "/" + name);
        rebuild();
    }

    /** The selection of a Service port in one family, or null when the Service or that frontend family is absent. */
    BackendSelection selection(final String namespace, final String name, final ServicePortSpec port,
        final boolean ipv6)
    {
        final ServiceSpec service = services.get(namespace + "/" + name);
        return service == null ? null : selections.get(ModelFrontend.portKey(service, port, ipv6));
    }

    /** The selection of a Service port key that has a frontend. */
    BackendSelection selection(final String portKey)
    {
        return selections.get(portKey);
    }

    Map<String, BackendSelection> selections()
    {
        return selections;
    }

    Collection<ModelFrontend> frontends()
    {
        return frontends.values();
    }

    /** §1: the frontend at exactly (protocol, address, port), or null. */
    ModelFrontend frontend(final int protocol, final String address, final int port)
    {
        return frontends.get(ModelFrontend.matchKey(protocol, address, port));
    }

    /** Whether some Service other than an ExternalName one has this (canonical) address as a ClusterIP. */
    boolean isClusterIp(final String address)
    {
        return services.values().stream().anyMatch(s -> s.type() != ServiceType.EXTERNAL_NAME &&
            s.clusterIps().stream().anyMatch(ip -> ModelAddress.canonical(ip).equals(address)));
    }

    /** Whether a (canonical) address is one of this node's. */
    boolean isNodeIp(final String address)
    {
        return nodeIps.contains(address);
    }

    /** The incarnation of a backend while it is listed for a Service port, or null when it is not. */
    Long incarnation(final String portKey, final String backend)
    {
        return incarnations.get(portKey + " " + backend);
    }

    /**
     * True when the backend a record names is still listed for the frontend's Service port: same port, and the
     * same incarnation (it has not left the slices since). Conditions do not matter (§4).
     */
    boolean isListed(final String frontendPortKey, final String recordPortKey, final String backend,
        final long incarnation)
    {
        final Long current = incarnation(frontendPortKey, backend);
        return frontendPortKey.equals(recordPortKey) && current != null && current == incarnation;
    }

    /** Whether the entry's backend incarnation left the Service port, which is still there. */
    boolean departed(final String portKey, final ConnectionRecords.Conn entry)
    {
        return departed.contains(portKey + " " + entry.backend() + " " + entry.incarnation());
    }

    /** Whether any backend incarnation left the Service port, which is still there. */
    boolean anyDeparted(final String portKey)
    {
        return departed.stream().anyMatch(k -> k.startsWith(portKey + " "));
    }

    /**
     * IPVS mode: a Local policy with no local endpoint uses the cluster endpoints (ipvs/proxier.go
     * {@code syncEndpoint}); the nftables and iptables modes drop instead (§2 rule 5).
     */
    private BackendSelection ipvsFallback(final BackendSelection s)
    {
        return proxyMode == ProxyMode.IPVS && s.local().isEmpty() ? new BackendSelection(s.listed(), s.cluster(),
            s.cluster()) : s;
    }

    /** Re-derives frontends, backend selections and incarnations from the held records. */
    private void rebuild()
    {
        final Map<String, ModelFrontend> nextFrontends = new HashMap<>();
        final Map<String, BackendSelection> nextSelections = new HashMap<>();
        // §1 conflicts: the first claim of a frontend keeps it. Services go in namespace/name order; within one,
        // ports in spec order, IPv4 before IPv6, then clusterIPs, externalIPs, load-balancer IPs, node ports.
        for (final ServiceSpec service : services.values())
        {
            if (service.type() == ServiceType.EXTERNAL_NAME)
            {
                continue;
            }
            final List<EndpointSliceSpec> own = new ArrayList<>();
            for (final EndpointSliceSpec slice : slices.values())
            {
                if (slice.serviceKey().equals(service.key()))
                {
                    own.add(slice);
                }
            }
            for (final ServicePortSpec port : service.ports())
            {
                for (final boolean ipv6 : new boolean[] {false, true})
                {
                    final List<ModelFrontend> reachable = ModelFrontend.of(service, port, ipv6, nodeIps, proxyMode);
                    if (reachable.isEmpty())
                    {
                        continue;
                    }
                    nextSelections.put(ModelFrontend.portKey(service, port, ipv6),
                        ipvsFallback(EndpointSelection.select(nodeName, network.zone(), network.preferSameNode(),
                            port, ipv6, own)));
                    for (final ModelFrontend f : reachable)
                    {
                        nextFrontends.putIfAbsent(f.matchKey(), f);
                    }
                }
            }
        }
        final Map<String, Long> nextIncarnations = new HashMap<>();
        for (final Map.Entry<String, BackendSelection> e : nextSelections.entrySet())
        {
            for (final String backend : e.getValue().listed().keySet())
            {
                final String key = e.getKey() + " " + backend;
                final Long previous = incarnations.get(key);
                nextIncarnations.put(key, previous != null ? previous : ++lastIncarnation);
            }
        }
        final Set<String> nextDeparted = new HashSet<>();
        for (final String key : departed)
        {
            if (nextSelections.containsKey(key.substring(0, key.indexOf(' '))))
            {
                nextDeparted.add(key);
            }
        }
        for (final Map.Entry<String, Long> e : incarnations.entrySet())
        {
            final String portKey = e.getKey().substring(0, e.getKey().indexOf(' '));
            if (nextSelections.containsKey(portKey) && !e.getValue().equals(nextIncarnations.get(e.getKey())))
            {
                nextDeparted.add(e.getKey() + " " + e.getValue());
            }
        }
        frontends = nextFrontends;
        selections = nextSelections;
        incarnations = nextIncarnations;
        departed = nextDeparted;
    }
}
