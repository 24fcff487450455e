package io.vipflow.service;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.ConnCounters;
import io.vipflow.sched.Destination;
import io.vipflow.sched.Scheduler;
import io.vipflow.sched.SchedulerFactory;
import org.agrona.collections.IntHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Turns one Service and its EndpointSlices into {@link ServicePort}s and {@link Frontend}s. Control plane only.
 */
final class ServiceCompiler
{
    /**
     * What compiling one Service produced, kept until the Service or one of its slices changes.
     *
     * @param portKeys the id keys of its Service ports, parallel to {@code ports} (a backend holds its own)
     * @param slices   per Service port, parallel to {@code ports}: the slices that listed endpoints for it, parsed,
     *                 in slice-name order (what the next compile of the Service starts from)
     */
    record Compiled(ServiceSpec spec, List<ServicePort> ports, List<Frontend> frontends, List<String> portKeys,
        List<ListedSlice[]> slices)
    {
        /** The port with this id, or null. */
        ServicePort port(final int id)
        {
            final int i = indexOf(id);
            return i < 0 ? null : ports.get(i);
        }

        /** The parsed slices of the port with this id, or null. */
        ListedSlice[] slicesOf(final int id)
        {
            final int i = indexOf(id);
            return i < 0 ? null : slices.get(i);
        }

        private int indexOf(final int id)
        {
            for (int i = 0; i < ports.size(); i++)
            {
                if (ports.get(i).id == id)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    private final String nodeName;
    private final List<long[]> nodeIps;
    private final ToIntFunction<String> servicePortIds;
    private final ToIntFunction<String> backendIds;
    private final IntFunction<ConnCounters> counters;
    private String zone = "";
    private boolean preferSameNode = true;
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    /** Endpoints parsed and named so far (one element, so that {@link ListedSlice} can count; for tests). */
    private final long[] parsedEndpoints = new long[1];

    ServiceCompiler(final String nodeName, final List<long[]> nodeIps, final ToIntFunction<String> servicePortIds,
        final ToIntFunction<String> backendIds, final IntFunction<ConnCounters> counters)
    {
        this.counters = counters;
        this.nodeName = nodeName;
        this.nodeIps = nodeIps;
        this.servicePortIds = servicePortIds;
        this.backendIds = backendIds;
    }

    /** The node's zone and the node-hint gate, for the topology of cluster sets compiled from now on. */
    void topology(final String nodeZone, final boolean nodeHints)
    {
        this.zone = nodeZone;
        this.preferSameNode = nodeHints;
    }

    void proxyMode(final ProxyMode mode)
    {
        this.proxyMode = mode;
    }

    /**
     * @param previous the Service's last compiled form, or null: its schedulers hand their state to the new ones,
     *                 and its backends that did not change are kept as they are
     */
    Compiled compile(final ServiceSpec spec, final Collection<EndpointSliceSpec> slices,
        final SchedulerFactory scheduler, final Compiled previous)
    {
        final List<ServicePort> ports = new ArrayList<>();
        final List<Frontend> frontends = new ArrayList<>();
        final List<String> portKeys = new ArrayList<>();
        final List<ListedSlice[]> listed = new ArrayList<>();
        if (spec.type() != ServiceType.EXTERNAL_NAME)
        {
            for (final ServicePortSpec portSpec : spec.ports())
            {
                for (final boolean ipv6 : new boolean[] {false, true})
                {
                    if (!hasFrontendAddress(spec, portSpec, ipv6))
                    {
                        continue;
                    }
                    final String portKey = spec.key() + "|" + portSpec.protocol() + "/" + portSpec.port() + "|" +
                        (ipv6 ? 6 : 4);
                    final int id = servicePortIds.applyAsInt(portKey);
                    final ServicePort sp = compilePort(id, portKey, spec, portSpec, ipv6, slices, scheduler,
                        previous == null ? null : previous.port(id), previous == null ? null : previous.slicesOf(id),
                        listed);
                    ports.add(sp);
                    portKeys.add(portKey);
                    final int first = frontends.size();
                    addFrontends(spec, portSpec, sp, frontends);
                    if (proxyMode == ProxyMode.IPVS)
                    {
                        virtualServices(frontends, first, sp, scheduler, previous);
                    }
                }
            }
        }
        return new Compiled(spec, ports, frontends, portKeys, listed);
    }

    /** Endpoints parsed and named since this compiler was made (the others were taken from earlier compiles). */
    long parsedEndpointCount()
    {
        return parsedEndpoints[0];
    }

    /**
     * docs/SEMANTICS.md §2 (kube-proxy {@code pkg/proxy/topology.go} {@code CategorizeEndpoints}): the cluster set is
     * the ready endpoints the topology mode allows, or, when none is ready, the serving and terminating ones
     * whatever their hints; the local set applies the ready/serving-terminating rule to this node's endpoints and
     * ignores topology. Every listed endpoint keeps an id, whatever its conditions, so its flows stay.
     */
    private ServicePort compilePort(final int id, final String portKey, final ServiceSpec spec,
        final ServicePortSpec portSpec, final boolean ipv6, final Collection<EndpointSliceSpec> slices,
        final SchedulerFactory scheduler, final ServicePort previous, final ListedSlice[] previousSlices,
        final List<ListedSlice[]> listedOut)
    {
        final List<ListedSlice> used = new ArrayList<>();
        int count = 0;
        for (final EndpointSliceSpec slice : slices)
        {
            if (slice.ipv6() != ipv6)
            {
                continue;
            }
            final EndpointPortSpec target = matchingPort(slice, portSpec);
            if (target == null)
            {
                continue;
            }
            final ListedSlice l = ListedSlice.of(slice, target.port(), ipv6,
                ListedSlice.find(previousSlices, slice.name(), used.size()), parsedEndpoints);
            used.add(l);
            count += l.byName.length;
        }
        listedOut.add(used.toArray(new ListedSlice[0]));
        // Each slice's entries are in name order already, so this stable sort merges runs. An address may appear
        // twice: in two slices while an endpoint moves between them, or for two pods when the pod network reuses
        // the address of a terminating pod. kube-proxy keeps a non-terminating copy over a terminating one
        // (pkg/proxy/endpointslicecache.go addEndpoints: a copy replaces the one held unless it is terminating) and
        // leaves the choice among equal copies to Go map order over slice names; vipflow takes the first of them
        // by slice name (slices are handed over in name order, and the sort keeps that order among equal names),
        // then by position in the slice.
        final List<ListedSlice.Entry> all = new ArrayList<>(count);
        for (final ListedSlice l : used)
        {
            all.addAll(Arrays.asList(l.byName));
        }
        all.sort(Comparator.comparing(e -> e.name));
        final List<ListedSlice.Entry> listed = new ArrayList<>(count);
        for (final ListedSlice.Entry e : all)
        {
            final int last = listed.size() - 1;
            if (last < 0 || !listed.get(last).name.equals(e.name))
            {
                listed.add(e);
            }
            else if (listed.get(last).endpoint.terminating() && !e.endpoint.terminating())
            {
                listed.set(last, e);
            }
        }
        final Topology topology = topologyMode(listed);
        final boolean anyClusterReady = listed.stream()
            .anyMatch(l -> l.endpoint.ready() && availableForTopology(l.endpoint, topology));
        final boolean anyLocalReady = listed.stream().anyMatch(l -> l.endpoint.ready() && isLocal(l.endpoint));
        // IPVS mode: a Local policy without local endpoints falls back to the cluster endpoints (ipvs/proxier.go
        // syncEndpoint, "if there are no local endpoints, use all endpoints").
        final boolean localFallback = proxyMode == ProxyMode.IPVS && listed.stream().map(l -> l.endpoint)
            .noneMatch(e -> isLocal(e) && (anyLocalReady ? e.ready() : e.serving() && e.terminating()));
        final List<Backend> finalList = new ArrayList<>(listed.size());
        for (final ListedSlice.Entry l : listed)
        {
            final EndpointSpec e = l.endpoint;
            // Topology narrows the cluster set only; the serving-and-terminating fallback ignores it.
            final boolean inCluster = anyClusterReady ? e.ready() && availableForTopology(e, topology) :
                e.serving() && e.terminating();
            final boolean inLocal = localFallback ? inCluster :
                isLocal(e) && (anyLocalReady ? e.ready() : e.serving() && e.terminating());
            finalList.add(backend(l, portKey, ipv6, inCluster, inLocal, previous));
        }
        final List<Backend> departed = departed(finalList, previous);
        final boolean drains = portSpec.protocol() == Protocol.TCP;
        final BackendSet cluster = backendSet(finalList, departed, true, scheduler,
            previous == null ? null : previous.clusterSet, drains);
        final boolean needsLocal = spec.externalTrafficLocal() || spec.internalTrafficLocal();
        final BackendSet local = needsLocal ? backendSet(finalList, departed, false, scheduler,
            previous == null ? null : previous.localSet, drains) : BackendSet.EMPTY;
        return new ServicePort(id, spec, portSpec, ipv6, finalList.toArray(new Backend[0]),
            departed.toArray(new Backend[0]), cluster, local);
    }

    /**
     * The backends of the previous compile that are no longer listed and may still be named by connection entries:
     * every one that left in this compile (an entry may be created on the old snapshot while this one is built), and
     * every earlier one whose active and inactive counts are not both zero. They keep their object, id and counters,
     * so the entries that name them keep counting; the removed-backend policy decides whether those flows go on.
     */
    private static List<Backend> departed(final List<Backend> listed, final ServicePort previous)
    {
        if (previous == null)
        {
            return List.of();
        }
        final IntHashSet ids = new IntHashSet(listed.size() * 2);
        for (final Backend b : listed)
        {
            ids.add(b.id);
        }
        final List<Backend> out = new ArrayList<>();
        for (int i = 0; i < previous.listedCount(); i++)
        {
            final Backend b = previous.listed(i);
            if (!ids.contains(b.id))
            {
                out.add(b);
            }
        }
        for (int i = 0; i < previous.departedCount(); i++)
        {
            final Backend b = previous.departedAt(i);
            if (!ids.contains(b.id) && b.counters.active() + b.counters.inactive() > 0)
            {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * IPVS profile: every frontend from {@code first} on is a virtual service of its own, with its own destination
     * list and scheduler state (ip_vs_ctl.c keeps {@code svc->destinations} and {@code sched_data} per
     * {@code ip_vs_service}; kube-proxy creates one per ClusterIP, external IP, LB IP and node IP), carried from the
     * previous compile's frontend at the same address, port and protocol. A frontend that is new builds its list from
     * scratch, so it can differ from an older frontend's list of the same endpoints.
     */
    private void virtualServices(final List<Frontend> frontends, final int first, final ServicePort sp,
        final SchedulerFactory scheduler, final Compiled previous)
    {
        final List<Backend> sorted = new ArrayList<>(sp.listedCount());
        for (int i = 0; i < sp.listedCount(); i++)
        {
            sorted.add(sp.listed(i));
        }
        final List<Backend> departed = new ArrayList<>(sp.departedCount());
        for (int i = 0; i < sp.departedCount(); i++)
        {
            departed.add(sp.departedAt(i));
        }
        final boolean drains = sp.port.protocol() == Protocol.TCP;
        for (int i = first; i < frontends.size(); i++)
        {
            final Frontend f = frontends.get(i);
            BackendSet before = null;
            for (final Frontend p : previous == null ? List.<Frontend>of() : previous.frontends())
            {
                if (p.virtualService != null && p.target.id == sp.id && p.kind == f.kind && p.addrHi == f.addrHi &&
                    p.addrLo == f.addrLo && p.port == f.port)
                {
                    before = p.virtualService;
                }
            }
            frontends.set(i, f.withVirtualService(backendSet(sorted, departed, !sp.localPolicy(f.kind.external),
                scheduler, before, drains)));
        }
    }

    /**
     * The backend for a listed endpoint: the last compile's object when nothing about it changed, so the snapshot's
     * tables need no new entry for it. The id stands for (Service port, address, port): the entry's remembered id,
     * when the last compile of this port still lists it, saves building and looking up the key.
     */
    private Backend backend(final ListedSlice.Entry l, final String portKey, final boolean ipv6,
        final boolean inCluster, final boolean inLocal, final ServicePort previous)
    {
        final Backend kept = previous == null || l.backendId == 0 ? null : previous.backend(l.backendId);
        if (kept != null && kept.sameAs(l.endpoint, inCluster, inLocal))
        {
            return kept;
        }
        if (kept != null)
        {
            return new Backend(kept.id, kept.idKey, ipv6, l.hi, l.lo, l.port, l.name, l.endpoint, inCluster, inLocal,
                kept.counters);
        }
        final String backendKey = portKey + "|" + l.name;
        final int backendId = backendIds.applyAsInt(backendKey);
        l.backendId = backendId;
        final Backend same = previous == null ? null : previous.backend(backendId);
        if (same != null && same.sameAs(l.endpoint, inCluster, inLocal))
        {
            return same;
        }
        return new Backend(backendId, backendKey, ipv6, l.hi, l.lo, l.port, l.name, l.endpoint, inCluster, inLocal,
            counters.apply(backendId));
    }

    /** kube-proxy's topology modes: none, {@code PreferSameZone}, {@code PreferSameNode}. */
    enum Topology
    {
        NONE, SAME_ZONE, SAME_NODE
    }

    /**
     * kube-proxy {@code pkg/proxy/topology.go} {@code topologyModeFromHints}, over the ready endpoints only: node
     * hints when the gate is on, every ready endpoint has one and one names this node; else zone hints when every
     * ready endpoint has one and one names this node's zone (an empty zone never matches); else none.
     */
    private Topology topologyMode(final List<ListedSlice.Entry> listed)
    {
        boolean anyReady = false;
        boolean allNodeHints = true;
        boolean forThisNode = false;
        boolean allZoneHints = true;
        boolean forThisZone = false;
        for (final ListedSlice.Entry l : listed)
        {
            final EndpointSpec e = l.endpoint;
            if (!e.ready())
            {
                continue;
            }
            anyReady = true;
            if (e.nodeHints().isEmpty())
            {
                allNodeHints = false;
            }
            else if (e.nodeHints().contains(nodeName))
            {
                forThisNode = true;
            }
            if (e.zoneHints().isEmpty())
            {
                allZoneHints = false;
            }
            else if (e.zoneHints().contains(zone))
            {
                forThisZone = true;
            }
        }
        if (!anyReady)
        {
            return Topology.NONE;
        }
        if (preferSameNode && allNodeHints && forThisNode)
        {
            return Topology.SAME_NODE;
        }
        return allZoneHints && forThisZone ? Topology.SAME_ZONE : Topology.NONE;
    }

    /** kube-proxy {@code availableForTopology}: no fallback here, the fallback is in the choice of mode. */
    private boolean availableForTopology(final EndpointSpec e, final Topology mode)
    {
        switch (mode)
        {
            case SAME_NODE:
                return e.nodeHints().contains(nodeName);
            case SAME_ZONE:
                return e.zoneHints().contains(zone);
            default:
                return true;
        }
    }

    private boolean isLocal(final EndpointSpec e)
    {
        return !nodeName.isEmpty() && nodeName.equals(e.nodeName());
    }

    /**
     * The scheduler's destinations. By default every listed backend, in name order, members at weight 1 and the
     * others quiesced at weight 0, so hash layouts stay put while an endpoint is not ready.
     * <p>
     * In the IPVS profile they are what kube-proxy's IPVS proxier makes of the endpoints (ipvs/proxier.go
     * {@code syncEndpoint}): the members only, at weight 1, handed over in descending name order. kube-proxy adds
     * new endpoints one {@code AddRealServer} at a time in ascending string order of {@code ip:port} (sorted
     * {@code sets.List} through v1.29; Go map order since v1.30, which nothing can reproduce) and the kernel puts
     * each at the head of the list (ip_vs_ctl.c {@code __ip_vs_update_dest}, {@code list_add_rcu}), so the new block
     * reads descending; the IPVS schedulers put the destinations new to their list at its head in the order given
     * ({@code IpvsList}). An endpoint that stops being a member is deleted gracefully (graceful_termination.go
     * {@code GracefulDeleteRS}): for TCP, while it is still listed and has connections it stays at weight 0 in its
     * place; UDP and SCTP ones leave at once ({@code IsRsGracefulTerminationNeeded}). One that becomes a member
     * again while draining is deleted and added again ({@code MoveRSOutofGracefulDeleteList}, then
     * {@code AddRealServer}), so it goes to the head. An endpoint that left the slices altogether leaves the set as
     * well, so it drains the same way ({@code departed}: kube-proxy's {@code syncEndpoint} deletes every current
     * destination not in the new endpoint set through {@code GracefulDeleteRS}).
     */
    private BackendSet backendSet(final List<Backend> listedSorted, final List<Backend> departed,
        final boolean cluster, final SchedulerFactory factory, final BackendSet previous, final boolean drains)
    {
        final boolean ipvs = proxyMode == ProxyMode.IPVS;
        final List<Backend> sorted = ipvs ? withDeparted(listedSorted, departed) : listedSorted;
        final Set<String> wasDestination = ipvs && previous != null ? previous.destinationNames() : Set.of();
        final Set<String> wasMember = ipvs && previous != null ? previous.memberNames() : Set.of();
        final List<Backend> members = new ArrayList<>();
        final List<Backend> listed = new ArrayList<>(sorted.size());
        final List<Destination> destinations = new ArrayList<>(sorted.size());
        final List<Destination> withoutReturning = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++)
        {
            final Backend b = sorted.get(ipvs ? sorted.size() - 1 - i : i);
            final boolean member = !departed.contains(b) && (cluster ? b.inClusterSet : b.inLocalSet);
            final boolean draining = ipvs && !member && drains && wasDestination.contains(b.name) &&
                b.counters.active() + b.counters.inactive() > 0;
            if (member)
            {
                members.add(b);
            }
            if (member || draining || !ipvs)
            {
                listed.add(b);
                final Destination d = new Destination(b.name, member ? 1 : 0, b.counters);
                destinations.add(d);
                if (!(member && wasDestination.contains(b.name) && !wasMember.contains(b.name)))
                {
                    withoutReturning.add(d);
                }
            }
        }
        if (members.isEmpty())
        {
            return BackendSet.EMPTY;
        }
        if (ipvs)
        {
            members.sort(Comparator.comparing(b -> b.name));
        }
        Scheduler before = previous == null ? null : previous.scheduler();
        if (withoutReturning.size() != destinations.size())
        {
            before = factory.create(withoutReturning, before);
        }
        return new BackendSet(listed.toArray(new Backend[0]), members.toArray(new Backend[0]),
            factory.create(destinations, before));
    }

    /** The listed backends and the departed ones whose name is not listed again, in name order. */
    private static List<Backend> withDeparted(final List<Backend> listed, final List<Backend> departed)
    {
        if (departed.isEmpty())
        {
            return listed;
        }
        final Set<String> names = new HashSet<>();
        for (final Backend b : listed)
        {
            names.add(b.name);
        }
        final List<Backend> out = new ArrayList<>(listed);
        for (final Backend b : departed)
        {
            if (names.add(b.name))
            {
                out.add(b);
            }
        }
        out.sort(Comparator.comparing(b -> b.name));
        return out;
    }

    /**
     * The slice port with the Service port's name and protocol: how targetPort names resolve (docs/SEMANTICS.md §2).
     */
    private static EndpointPortSpec matchingPort(final EndpointSliceSpec slice, final ServicePortSpec portSpec)
    {
        for (final EndpointPortSpec p : slice.ports())
        {
            if (p.name().equals(portSpec.name()) && p.protocol() == portSpec.protocol())
            {
                return p;
            }
        }
        return null;
    }

    private boolean hasFrontendAddress(final ServiceSpec spec, final ServicePortSpec portSpec, final boolean ipv6)
    {
        if (anyOfFamily(spec.clusterIps(), ipv6) || anyOfFamily(spec.externalIps(), ipv6) ||
            anyOfFamily(spec.loadBalancerIps(), ipv6))
        {
            return true;
        }
        return spec.type().hasNodePorts() && portSpec.nodePort() > 0 && nodeIps.stream().anyMatch(a -> isV6(a) == ipv6);
    }

    private void addFrontends(final ServiceSpec spec, final ServicePortSpec portSpec, final ServicePort sp,
        final List<Frontend> out)
    {
        final boolean ipv6 = sp.ipv6;
        for (final String ip : spec.clusterIps())
        {
            add(out, FrontendKind.CLUSTER_IP, sp, ip, ipv6, portSpec.port(), null);
        }
        for (final String ip : spec.externalIps())
        {
            add(out, FrontendKind.EXTERNAL_IP, sp, ip, ipv6, portSpec.port(), null);
        }
        final SourceRanges lbRanges = sourceRanges(spec, ipv6);
        for (final String ip : spec.loadBalancerIps())
        {
            add(out, FrontendKind.LOAD_BALANCER, sp, ip, ipv6, portSpec.port(), lbRanges);
        }
        if (spec.type().hasNodePorts() && portSpec.nodePort() > 0)
        {
            for (final long[] nodeIp : nodeIps)
            {
                if (isV6(nodeIp) == ipv6)
                {
                    out.add(new Frontend(FrontendKind.NODE_PORT, sp, nodeIp[0], nodeIp[1], portSpec.nodePort(), null,
                        null, null));
                }
            }
        }
    }

    /**
     * The sources a load-balancer frontend of this family admits, or null for every source. kube-proxy
     * ({@code service.go} {@code newBaseServiceInfo}) keeps only the ranges of the proxier's family, and writes no
     * firewall when none is left ({@code nftables/proxier.go} {@code syncProxyRules}: {@code usesFWChain} needs
     * ranges). When a range holds the node's primary address of the family, the Service's load-balancer IPs of the
     * family are admitted as sources too: a node reaching a VIP bound locally loops back with the VIP as source
     * ({@code allowFromNode}, nftables and iptables {@code syncProxyRules}; every LB IP of the Service there, only
     * the one hit in IPVS mode, where {@code KUBE-LOAD-BALANCER-SOURCE-IP} pairs each ingress IP with itself).
     */
    private SourceRanges sourceRanges(final ServiceSpec spec, final boolean ipv6)
    {
        final List<long[]> ranges = new ArrayList<>();
        for (final String cidr : spec.loadBalancerSourceRanges())
        {
            final long[] r = Addresses.parseCidr(cidr);
            if ((r[3] == 6) == ipv6)
            {
                ranges.add(r);
            }
        }
        if (ranges.isEmpty())
        {
            return null;
        }
        final long[] primary = primaryNodeIp(ipv6);
        boolean allowFromNode = false;
        for (final long[] r : ranges)
        {
            allowFromNode |= primary != null && Addresses.inPrefix(primary[0], primary[1], r[0], r[1], (int)r[2]);
        }
        final List<long[]> vips = new ArrayList<>();
        for (final String ip : allowFromNode ? spec.loadBalancerIps() : List.<String>of())
        {
            final long[] a = Addresses.parse(ip);
            if (isV6(a) == ipv6)
            {
                vips.add(new long[] {a[0], a[1], 128});
            }
        }
        return new SourceRanges(ranges, vips);
    }

    /** A Service's source ranges of one family, and the load-balancer IPs admitted as sources beside them. */
    private record SourceRanges(List<long[]> ranges, List<long[]> vips)
    {
        /** The entries a frontend at address {@code (hi, lo)} checks. */
        List<long[]> forFrontend(final ProxyMode mode, final long hi, final long lo)
        {
            final List<long[]> out = new ArrayList<>(ranges);
            for (final long[] v : vips)
            {
                if (mode != ProxyMode.IPVS || (v[0] == hi && v[1] == lo))
                {
                    out.add(v);
                }
            }
            return out;
        }
    }

    /** kube-proxy's {@code nodeIP}: the node's primary address of the family, the first given of that family. */
    private long[] primaryNodeIp(final boolean ipv6)
    {
        for (final long[] a : nodeIps)
        {
            if (isV6(a) == ipv6)
            {
                return a;
            }
        }
        return null;
    }

    private void add(final List<Frontend> out, final FrontendKind kind, final ServicePort sp, final String ip,
        final boolean ipv6, final int port, final SourceRanges sources)
    {
        final long[] a = Addresses.parse(ip);
        if (isV6(a) != ipv6)
        {
            return;
        }
        long[] hi = null;
        long[] lo = null;
        int[] prefix = null;
        if (sources != null)
        {
            final List<long[]> own = sources.forFrontend(proxyMode, a[0], a[1]);
            hi = new long[own.size()];
            lo = new long[own.size()];
            prefix = new int[own.size()];
            for (int i = 0; i < own.size(); i++)
            {
                hi[i] = own.get(i)[0];
                lo[i] = own.get(i)[1];
                prefix[i] = (int)own.get(i)[2];
            }
        }
        out.add(new Frontend(kind, sp, a[0], a[1], port, hi, lo, prefix));
    }

    private static boolean anyOfFamily(final List<String> ips, final boolean ipv6)
    {
        for (final String ip : ips)
        {
            if (isV6(Addresses.parse(ip)) == ipv6)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isV6(final long[] parsed)
    {
        return parsed[2] == 6;
    }
}
