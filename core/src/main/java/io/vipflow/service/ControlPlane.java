package io.vipflow.service;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.SchedulerFactory;
import io.vipflow.sched.Schedulers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single writer of Service state. It holds the desired Services and EndpointSlices, compiles them into an
 * immutable {@link Snapshot} and publishes it atomically.
 * <p>
 * Thread contract: the mutators ({@code upsert*}, {@code delete*}, {@link #publish}) are called by one
 * control-plane thread only. {@link #current} may be called by any thread at any time: it is one volatile
 * load, and the snapshot it returns is immutable, so a data-plane thread never blocks and never sees half an
 * update. Changes become visible to readers only at {@link #publish}.
 * <p>
 * Invalid input (a bad address, an unknown scheduler) is rejected with {@link IllegalArgumentException} by the
 * mutator that receives it; the state already held is left as it was.
 */
public final class ControlPlane
{
    private final String nodeName;
    private final List<long[]> nodeIps;
    private final String defaultScheduler;
    private final long seed;
    private final Map<String, ServiceSpec> services = new TreeMap<>();
    private final Map<String, TreeMap<String, EndpointSliceSpec>> slicesByService = new HashMap<>();
    private final Map<String, EndpointSliceSpec> slices = new HashMap<>();
    private final Map<String, ServiceCompiler.Compiled> compiled = new HashMap<>();
    private final BackendIds ids;
    private long generation;
    private volatile Snapshot current = Snapshot.empty();

    /**
     * @param nodeName         this node's name, for Local traffic policies ("" when unknown: no local endpoints)
     * @param nodeIps          this node's addresses, for NodePort frontends
     * @param defaultScheduler scheduler for Services that do not name one
     * @param seed             seed for pseudo-random schedulers
     */
    public ControlPlane(final String nodeName, final List<String> nodeIps, final String defaultScheduler,
        final long seed)
    {
        this(nodeName, nodeIps, defaultScheduler, seed, null);
    }

    /**
     * A control plane whose backend ids are kept in {@code idFile} (loaded now, saved at each publish that changes
     * them), for a process whose connection table outlives it ({@code ConnTable.mapped}): after a restart every
     * backend gets the id its persisted connections refer to.
     */
    public ControlPlane(final String nodeName, final List<String> nodeIps, final String defaultScheduler,
        final long seed, final Path idFile)
    {
        this.ids = new BackendIds(idFile);
        this.nodeName = nodeName == null ? "" : nodeName;
        this.nodeIps = new ArrayList<>();
        for (final String ip : nodeIps)
        {
            this.nodeIps.add(Addresses.parse(ip));
        }
        Schedulers.factory(defaultScheduler, seed);
        this.defaultScheduler = defaultScheduler;
        this.seed = seed;
    }

    /** The latest published snapshot. Any thread. */
    public Snapshot current()
    {
        return current;
    }

    /** Adds or replaces a Service. Control-plane thread only. */
    public void upsertService(final ServiceSpec spec)
    {
        validate(spec);
        services.put(spec.key(), spec);
    }

    /** Removes a Service; its frontends stop matching at the next publish. Control-plane thread only. */
    public boolean deleteService(final String namespace, final String name)
    {
        return services.remove(namespace + "/" + name) != null;
    }

    /** Adds or replaces an EndpointSlice. Control-plane thread only. */
    public void upsertSlice(final EndpointSliceSpec slice)
    {
        for (final EndpointSpec e : slice.endpoints())
        {
            for (final String a : e.addresses())
            {
                final long[] parsed = Addresses.parse(a);
                if ((parsed[2] == 6) != slice.ipv6())
                {
                    throw new IllegalArgumentException("endpoint address " + a + " is not of the slice's family " +
                        (slice.ipv6() ? "IPv6" : "IPv4") + " in slice " + slice.key());
                }
            }
        }
        final EndpointSliceSpec old = slices.put(slice.key(), slice);
        if (old != null && !old.serviceKey().equals(slice.serviceKey()))
        {
            removeFromService(old);
        }
        slicesByService.computeIfAbsent(slice.serviceKey(), k -> new TreeMap<>()).put(slice.name(), slice);
    }

    /** Removes an EndpointSlice. Control-plane thread only. */
    public boolean deleteSlice(final String namespace, final String name)
    {
        final EndpointSliceSpec old = slices.remove(namespace + "/" + name);
        if (old == null)
        {
            return false;
        }
        removeFromService(old);
        return true;
    }

    private void removeFromService(final EndpointSliceSpec old)
    {
        final TreeMap<String, EndpointSliceSpec> bySlice = slicesByService.get(old.serviceKey());
        if (bySlice != null)
        {
            bySlice.remove(old.name());
            if (bySlice.isEmpty())
            {
                slicesByService.remove(old.serviceKey());
            }
        }
    }

    /** The Services held now, by key. Control-plane thread only. */
    public Map<String, ServiceSpec> services()
    {
        return Map.copyOf(services);
    }

    /** The EndpointSlices held now, by key. Control-plane thread only. */
    public Map<String, EndpointSliceSpec> slices()
    {
        return Map.copyOf(slices);
    }

    /**
     * Compiles the held state and publishes it with one volatile store. Services whose spec and slices are
     * unchanged since the last publish keep their compiled form (and their scheduler tables). Control-plane
     * thread only.
     */
    public Snapshot publish()
    {
        ids.beginPublish();
        final ServiceCompiler compiler =
            new ServiceCompiler(nodeName, nodeIps, ids::servicePortId, ids::backendId, ids::counters);
        final Map<Integer, ServicePort> previousPorts = new HashMap<>();
        for (final ServicePort sp : current.servicePorts())
        {
            previousPorts.put(sp.id, sp);
        }
        final List<ServicePort> ports = new ArrayList<>();
        final List<Frontend> frontends = new ArrayList<>();
        final Map<String, ServiceCompiler.Compiled> next = new HashMap<>();
        for (final ServiceSpec spec : services.values())
        {
            final TreeMap<String, EndpointSliceSpec> bySlice = slicesByService.get(spec.key());
            final List<EndpointSliceSpec> serviceSlices = bySlice == null ? List.of() : List.copyOf(bySlice.values());
            ServiceCompiler.Compiled c = compiled.get(spec.key());
            if (c == null || !c.spec().equals(spec) || !c.slices().equals(serviceSlices))
            {
                final String schedulerName = spec.scheduler() != null ? spec.scheduler() : defaultScheduler;
                final SchedulerFactory factory = Schedulers.factory(schedulerName,
                    spec.scheduler() != null ? spec.schedulerFlags() : null, seed);
                c = compiler.compile(spec, serviceSlices, factory, previousPorts);
            }
            else
            {
                markUsed(c);
            }
            next.put(spec.key(), c);
            ports.addAll(c.ports());
            frontends.addAll(c.frontends());
        }
        compiled.clear();
        compiled.putAll(next);
        ids.endPublish();
        final Map<String, Frontend> byKey = new HashMap<>();
        final List<Frontend> distinct = new ArrayList<>();
        final List<String> conflicts = new ArrayList<>();
        for (final Frontend f : frontends)
        {
            final String key = f.protocol + "|" + Addresses.formatSocket(f.ipv6, f.addrHi, f.addrLo, f.port);
            final Frontend first = byKey.putIfAbsent(key, f);
            if (first == null)
            {
                distinct.add(f);
            }
            else
            {
                conflicts.add(f + " conflicts with " + first);
            }
        }
        final Snapshot snapshot = new Snapshot(++generation, new FrontendTable(distinct), ports, conflicts);
        current = snapshot;
        return snapshot;
    }

    private void markUsed(final ServiceCompiler.Compiled c)
    {
        for (final ServicePort sp : c.ports())
        {
            final String portKey = c.spec().key() + "|" + sp.port.protocol() + "/" + sp.port.port() + "|" +
                (sp.ipv6 ? 6 : 4);
            ids.keep(portKey);
            for (int i = 0; i < sp.listedCount(); i++)
            {
                ids.keep(portKey + "|" + sp.listed(i).name);
            }
        }
    }

    private static void validate(final ServiceSpec spec)
    {
        for (final List<String> ips : List.of(spec.clusterIps(), spec.externalIps(), spec.loadBalancerIps()))
        {
            for (final String ip : ips)
            {
                Addresses.parse(ip);
            }
        }
        for (final String cidr : spec.loadBalancerSourceRanges())
        {
            Addresses.parseCidr(cidr);
        }
        if (spec.scheduler() != null)
        {
            Schedulers.factory(spec.scheduler(), spec.schedulerFlags(), 0);
        }
        else if (spec.schedulerFlags() != null && !spec.schedulerFlags().isBlank())
        {
            throw new IllegalArgumentException("scheduler flags '" + spec.schedulerFlags() +
                "' given without a scheduler for " + spec.key());
        }
    }
}
