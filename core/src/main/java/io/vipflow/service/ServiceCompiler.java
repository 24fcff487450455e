package io.vipflow.service;

import io.vipflow.sched.ConnCounters;
import io.vipflow.sched.SchedulerFactory;
import org.agrona.collections.IntHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Turns one Service and its EndpointSlices into {@link ServicePort}s and {@link Frontend}s: resolves each Service
 * port's endpoints from the slices, sorts them into the cluster and local sets ({@link EndpointTopology}), keeps the
 * backends that did not change, and leaves the frontends to {@link FrontendBuilder} and the schedulers' inputs to
 * {@link BackendSets}. Control plane only.
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

    private final EndpointTopology topology;
    private final FrontendBuilder frontendBuilder;
    private final ToIntFunction<String> servicePortIds;
    private final ToIntFunction<String> backendIds;
    private final IntFunction<ConnCounters> counters;
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    /** Endpoints parsed and named so far (one element, so that {@link ListedSlice} can count; for tests). */
    private final long[] parsedEndpoints = new long[1];

    ServiceCompiler(final String nodeName, final List<long[]> nodeIps, final ToIntFunction<String> servicePortIds,
        final ToIntFunction<String> backendIds, final IntFunction<ConnCounters> counters)
    {
        this.counters = counters;
        this.topology = new EndpointTopology(nodeName);
        this.frontendBuilder = new FrontendBuilder(nodeIps);
        this.servicePortIds = servicePortIds;
        this.backendIds = backendIds;
    }

    /** The node's zone and the node-hint gate, for the topology of cluster sets compiled from now on. */
    void topology(final String nodeZone, final boolean nodeHints)
    {
        topology.set(nodeZone, nodeHints);
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
                    if (!frontendBuilder.hasFrontendAddress(spec, portSpec, ipv6))
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
                    frontendBuilder.addFrontends(spec, portSpec, sp, proxyMode, frontends);
                    if (proxyMode == ProxyMode.IPVS)
                    {
                        BackendSets.virtualServices(frontends, first, sp, scheduler, previous);
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
        final EndpointTopology.Topology mode = topology.topologyMode(listed);
        final boolean anyClusterReady = listed.stream()
            .anyMatch(l -> l.endpoint.ready() && topology.availableForTopology(l.endpoint, mode));
        final boolean anyLocalReady = listed.stream().anyMatch(l -> l.endpoint.ready() && topology.isLocal(l.endpoint));
        // IPVS mode: a Local policy without local endpoints falls back to the cluster endpoints (ipvs/proxier.go
        // syncEndpoint, "if there are no local endpoints, use all endpoints").
        final boolean localFallback = proxyMode == ProxyMode.IPVS && listed.stream().map(l -> l.endpoint)
            .noneMatch(e -> topology.isLocal(e) && (anyLocalReady ? e.ready() : e.serving() && e.terminating()));
        final List<Backend> finalList = new ArrayList<>(listed.size());
        for (final ListedSlice.Entry l : listed)
        {
            final EndpointSpec e = l.endpoint;
            // Topology narrows the cluster set only; the serving-and-terminating fallback ignores it.
            final boolean inCluster = anyClusterReady ? e.ready() && topology.availableForTopology(e, mode) :
                e.serving() && e.terminating();
            final boolean inLocal = localFallback ? inCluster :
                topology.isLocal(e) && (anyLocalReady ? e.ready() : e.serving() && e.terminating());
            finalList.add(backend(l, portKey, ipv6, inCluster, inLocal, previous));
        }
        final List<Backend> departed = departed(finalList, previous);
        final boolean drains = portSpec.protocol() == Protocol.TCP;
        final boolean ipvs = proxyMode == ProxyMode.IPVS;
        final BackendSet cluster = BackendSets.backendSet(ipvs, finalList, departed, true, scheduler,
            previous == null ? null : previous.clusterSet, drains);
        final boolean needsLocal = spec.externalTrafficLocal() || spec.internalTrafficLocal();
        final BackendSet local = needsLocal ? BackendSets.backendSet(ipvs, finalList, departed, false, scheduler,
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
}
