package io.vipflow.service;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.SchedulerFactory;
import io.vipflow.sched.Schedulers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final String defaultSchedulerFlags;
    private SchedulerFactory defaultFactory;
    private final long seed;
    private final Map<String, ServiceSpec> services = new HashMap<>();
    private final Map<String, TreeMap<String, EndpointSliceSpec>> slicesByService = new HashMap<>();
    private final Map<String, EndpointSliceSpec> slices = new HashMap<>();
    private final Map<String, ServiceCompiler.Compiled> compiled = new HashMap<>();
    /** Keys of the Services whose spec or slices changed since the last publish. */
    private final Set<String> dirty = new HashSet<>();
    private final BackendIds ids;
    private final ServiceCompiler compiler;
    private final SnapshotState state = new SnapshotState();
    private NodeTraffic traffic;
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    private long generation;
    private long compiles;
    private long visits;
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
        this(nodeName, nodeIps, defaultScheduler, null, seed, null);
    }

    /**
     * A control plane whose backend ids are kept in {@code idFile} (loaded now, saved at each publish that changes
     * them), for a process whose connection table outlives it ({@code ConnTable.mapped}): after a restart every
     * backend gets the id its persisted connections refer to.
     *
     * @param nodeName         this node's name, for Local traffic policies ("" when unknown: no local endpoints)
     * @param nodeIps          this node's addresses, for NodePort frontends
     * @param defaultScheduler scheduler for Services that do not name one
     * @param seed             seed for pseudo-random schedulers
     * @param idFile           where backend ids are kept
     */
    public ControlPlane(final String nodeName, final List<String> nodeIps, final String defaultScheduler,
        final long seed, final Path idFile)
    {
        this(nodeName, nodeIps, defaultScheduler, null, seed, idFile);
    }

    /**
     * A control plane with flags for its default scheduler.
     *
     * @param nodeName              this node's name, for Local traffic policies ("" when unknown: no local endpoints)
     * @param nodeIps               this node's addresses, for NodePort frontends
     * @param defaultScheduler      scheduler for Services that do not name one
     * @param seed                  seed for pseudo-random schedulers
     * @param defaultSchedulerFlags flags for the default scheduler (as a Service's own, e.g. {@code table-size=65537}
     *                              to give every Maglev Service without a scheduler of its own that size), or null
     * @param idFile                where backend ids are kept, or null
     */
    public ControlPlane(final String nodeName, final List<String> nodeIps, final String defaultScheduler,
        final String defaultSchedulerFlags, final long seed, final Path idFile)
    {
        this.ids = new BackendIds(idFile);
        this.nodeName = nodeName == null ? "" : nodeName;
        this.nodeIps = new ArrayList<>();
        for (final String ip : nodeIps)
        {
            this.nodeIps.add(Addresses.parse(ip));
        }
        this.defaultScheduler = defaultScheduler;
        this.defaultSchedulerFlags = defaultSchedulerFlags;
        this.defaultFactory = Schedulers.factory(defaultScheduler, defaultSchedulerFlags, seed);
        this.seed = seed;
        this.compiler = new ServiceCompiler(this.nodeName, this.nodeIps, ids::servicePortId, ids::backendId,
            ids::counters);
        this.traffic = new NodeTraffic(NodeNetwork.defaults(), this.nodeIps, ProxyMode.NFTABLES);
    }

    /**
     * Sets the node's zone, cluster and Service CIDRs and masquerade-all ({@link NodeNetwork}); takes effect at the
     * next {@link #publish}. A change of zone or of the node-hint gate recompiles every Service, since each one's
     * cluster set depends on them (kube-proxy {@code CategorizeEndpoints} runs again on a Node label change).
     * Control-plane thread only.
     *
     * @param network the node network
     */
    public void nodeNetwork(final NodeNetwork network)
    {
        final NodeNetwork old = traffic.network;
        if (!old.zone().equals(network.zone()) || old.preferSameNode() != network.preferSameNode())
        {
            compiler.topology(network.zone(), network.preferSameNode());
            dirty.addAll(services.keySet());
        }
        traffic = new NodeTraffic(network, nodeIps, proxyMode);
    }

    /** {@return the node network given last (the defaults until one is)} Control-plane thread only. */
    public NodeNetwork nodeNetwork()
    {
        return traffic.network;
    }

    /**
     * Reproduces the given kube-proxy mode where the modes differ (docs/SEMANTICS-CHOICES.md, "Proxy modes");
     * {@link ProxyMode#NFTABLES} until set. Every Service is compiled again at the next publish. Control-plane thread
     * only.
     *
     * @param mode the mode
     * @return this control plane
     */
    public ControlPlane proxyMode(final ProxyMode mode)
    {
        if (mode != proxyMode)
        {
            proxyMode = mode;
            compiler.proxyMode(mode);
            defaultFactory = factory(defaultScheduler, defaultSchedulerFlags);
            traffic = new NodeTraffic(traffic.network, nodeIps, mode);
            dirty.addAll(services.keySet());
        }
        return this;
    }

    /**
     * A scheduler factory as the profile programs it: in the IPVS profile {@code mh} always hashes the source port,
     * since kube-proxy creates every {@code mh} virtual service with {@code FlagSourceHash} (ipvs/proxier.go
     * {@code syncProxyRules}; ipvs/util/ipvs.go: {@code FlagSourceHash = 0x10}, the kernel's
     * {@code IP_VS_SVC_F_SCHED2}, which ip_vs_mh.c reads as {@code IP_VS_SVC_F_SCHED_MH_PORT}).
     */
    private SchedulerFactory factory(final String name, final String flags)
    {
        if (proxyMode == ProxyMode.IPVS && "mh".equals(name) &&
            (flags == null || !List.of(flags.split(",")).contains("mh-port")))
        {
            return Schedulers.factory(name, flags == null || flags.isBlank() ? "mh-port" : flags + ",mh-port", seed);
        }
        return Schedulers.factory(name, flags, seed);
    }

    /** {@return the kube-proxy mode reproduced} */
    public ProxyMode proxyMode()
    {
        return proxyMode;
    }

    /** {@return the latest published snapshot} Any thread. */
    public Snapshot current()
    {
        return current;
    }

    /**
     * Adds or replaces a Service. Control-plane thread only.
     *
     * @param spec the Service
     */
    public void upsertService(final ServiceSpec spec)
    {
        validate(spec);
        if (!spec.equals(services.put(spec.key(), spec)))
        {
            dirty.add(spec.key());
        }
    }

    /**
     * Removes a Service; its frontends stop matching at the next publish. Control-plane thread only.
     *
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @return false when no such Service was held
     */
    public boolean deleteService(final String namespace, final String name)
    {
        final String key = namespace + "/" + name;
        if (services.remove(key) == null)
        {
            return false;
        }
        dirty.add(key);
        return true;
    }

    /**
     * Adds or replaces an EndpointSlice. Control-plane thread only.
     *
     * @param slice the EndpointSlice
     */
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
        if (slice.equals(old))
        {
            return;
        }
        if (old != null && !old.serviceKey().equals(slice.serviceKey()))
        {
            removeFromService(old);
        }
        slicesByService.computeIfAbsent(slice.serviceKey(), k -> new TreeMap<>()).put(slice.name(), slice);
        dirty.add(slice.serviceKey());
    }

    /**
     * Removes an EndpointSlice. Control-plane thread only.
     *
     * @param namespace the slice's namespace
     * @param name      the slice's name
     * @return false when no such slice was held
     */
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
        dirty.add(old.serviceKey());
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

    /** {@return the Services held now, by key} Control-plane thread only. */
    public Map<String, ServiceSpec> services()
    {
        return Map.copyOf(services);
    }

    /** {@return the EndpointSlices held now, by key} Control-plane thread only. */
    public Map<String, EndpointSliceSpec> slices()
    {
        return Map.copyOf(slices);
    }

    /**
     * Marks for the next publish every Service that holds a backend it no longer needs: one that left the slices
     * ({@link ServicePort#departed}) or, in the IPVS profile, a draining destination, with no connection left (active
     * and inactive counts both zero). This is kube-proxy's IPVS graceful-termination check
     * ({@code pkg/proxy/ipvs/graceful_termination.go}: {@code Run} calls {@code tryDeleteRs} every
     * {@code rsCheckDeleteInterval}, one minute, and {@code deleteRsFunc} deletes each listed destination whose
     * {@code ActiveConn + InactiveConn} is 0). Without it such a destination stays, at weight 0, until its Service is
     * recompiled for another reason. Call it on a timer (kube-proxy's period is 60 s), then {@link #publish}. Visits
     * every backend held; control-plane thread only.
     *
     * @return the number of Services marked
     */
    public int retireDrained()
    {
        int marked = 0;
        for (final ServiceCompiler.Compiled c : compiled.values())
        {
            if (holdsDrained(c) && dirty.add(c.spec().key()))
            {
                marked++;
            }
        }
        return marked;
    }

    private boolean holdsDrained(final ServiceCompiler.Compiled c)
    {
        for (final ServicePort sp : c.ports())
        {
            for (int i = 0; i < sp.departedCount(); i++)
            {
                final Backend b = sp.departedAt(i);
                if (b.counters.active() + b.counters.inactive() == 0)
                {
                    return true;
                }
            }
            if (proxyMode == ProxyMode.IPVS &&
                (sp.clusterSet.holdsDrainedDestination() || sp.localSet.holdsDrainedDestination()))
            {
                return true;
            }
        }
        if (proxyMode == ProxyMode.IPVS)
        {
            for (final Frontend f : c.frontends())
            {
                if (f.virtualService != null && f.virtualService.holdsDrainedDestination())
                {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Compiles what changed since the last publish and publishes the result with one volatile store. Only the
     * Services marked by a mutator since then are visited and recompiled; every other Service keeps its compiled
     * form (and its scheduler tables), and the snapshot's tables are new versions that share their unchanged parts
     * with the previous snapshot's, so the cost follows the size of the change, not of the cluster. Control-plane
     * thread only.
     *
     * @return the snapshot published, now {@link #current()}
     */
    public Snapshot publish()
    {
        final List<String> changed = new ArrayList<>(dirty);
        Collections.sort(changed);
        // Compile first: a Service that cannot be compiled (more backends than its scheduler takes) throws here,
        // before any state is touched, and stays marked.
        final ServiceCompiler.Compiled[] next = new ServiceCompiler.Compiled[changed.size()];
        for (int i = 0; i < next.length; i++)
        {
            visits++;
            final String key = changed.get(i);
            final ServiceSpec spec = services.get(key);
            if (spec != null)
            {
                final TreeMap<String, EndpointSliceSpec> bySlice = slicesByService.get(key);
                final SchedulerFactory factory = spec.scheduler() == null ? defaultFactory :
                    factory(spec.scheduler(), spec.schedulerFlags());
                next[i] = compiler.compile(spec, bySlice == null ? List.of() : bySlice.values(), factory,
                    compiled.get(key));
                compiles++;
            }
        }
        dirty.clear();
        state.begin(current);
        for (int i = 0; i < next.length; i++)
        {
            final String key = changed.get(i);
            final ServiceCompiler.Compiled old = next[i] == null ? compiled.remove(key) : compiled.put(key, next[i]);
            state.replace(key, old, next[i]);
            releaseIds(old, next[i]);
        }
        ids.endPublish();
        final Snapshot snapshot = state.done(++generation, traffic);
        current = snapshot;
        return snapshot;
    }

    /**
     * Forgets the ids {@code old} held that {@code next} no longer uses: O(size of the two), with no key rebuilt
     * or hashed for a backend that stays.
     */
    private void releaseIds(final ServiceCompiler.Compiled old, final ServiceCompiler.Compiled next)
    {
        if (old == null)
        {
            return;
        }
        for (final String k : old.portKeys())
        {
            if (next == null || !next.portKeys().contains(k))
            {
                ids.releaseServicePort(k);
            }
        }
        for (final ServicePort sp : old.ports())
        {
            final ServicePort kept = next == null ? null : next.port(sp.id);
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                if (kept == null || kept.backend(b.id) == null)
                {
                    ids.releaseBackend(b.idKey);
                }
            }
        }
    }

    /** Services compiled since this control plane was made (each publish compiles only the changed ones). */
    long compileCount()
    {
        return compiles;
    }

    /** Endpoint addresses parsed and named since this control plane was made (unchanged ones are reused). */
    long parsedEndpointCount()
    {
        return compiler.parsedEndpointCount();
    }

    /** Backends holding an id now. */
    int backendIdCount()
    {
        return ids.backendCount();
    }

    /** Entries written to the snapshots' frontend, backend and reply tables since this control plane was made. */
    long tableWriteCount()
    {
        return state.writeCount();
    }

    /** Services a publish has looked at since this control plane was made. */
    long visitCount()
    {
        return visits;
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
