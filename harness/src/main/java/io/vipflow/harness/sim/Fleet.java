package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * K balancer instances behind ECMP. Each instance is a {@link Classifier} with its own {@link ControlPlane} and
 * connection table, fed the same cluster changes; a packet goes to instance {@code hash(5-tuple) mod K}, with a
 * hash independent of the schedulers' and of the workers' steering. An instance added mid-run starts with the
 * cluster as it is then and no connections, so flows that the new modulus sends to another instance arrive there
 * without an entry: Maglev puts them back on their backend, schedulers with state of their own do not.
 * <p>
 * With sync ({@link FleetSync}) the instances' tables are connected: an instance that takes over a flow finds the
 * entry its peer made.
 * <p>
 * Thread contract: mutators ({@link #apply}, {@link #publish}, {@link #addInstance}, {@link #removeInstance})
 * belong to the generator thread and are called while the replay is drained; {@link #instanceFor} and
 * {@link #classifier} are called by the generator thread too.
 */
final class Fleet implements AutoCloseable
{
    private final String scheduler;
    private final long seed;
    private final ClassifierConfig config;
    private final List<ControlPlane> planes = new ArrayList<>();
    private final NodeNetwork network;
    private final List<Classifier> classifiers = new ArrayList<>();
    private final TreeMap<String, ServiceSpec> services = new TreeMap<>();
    private final TreeMap<String, EndpointSliceSpec> slices = new TreeMap<>();
    private final ProxyMode proxyMode;
    /** Connection sync between the instances, or null. */
    private final FleetSync sync;
    /** Instances before the one removal, 0 before it: ECMP then moves only the removed instance's flows. */
    private int sizeBeforeRemoval;

    Fleet(final String scheduler, final long seed, final ClassifierConfig config, final int instances,
        final ClusterObjects initial)
    {
        this(scheduler, seed, config, instances, initial, false, ProxyMode.NFTABLES, NodeNetwork.defaults());
    }

    /**
     * @param sync      connect the instances' tables by connection sync ({@link FleetSync}).
     * @param proxyMode the kube-proxy mode every instance reproduces.
     * @param network   the balancer node's network (zone, CIDRs), the same for every instance.
     */
    Fleet(final String scheduler, final long seed, final ClassifierConfig config, final int instances,
        final ClusterObjects initial, final boolean sync, final ProxyMode proxyMode, final NodeNetwork network)
    {
        this.sync = sync ? new FleetSync() : null;
        this.proxyMode = proxyMode;
        this.network = network;
        this.scheduler = scheduler;
        this.seed = seed;
        this.config = config;
        initial.services().forEach(s -> services.put(s.key(), s));
        initial.slices().forEach(s -> slices.put(s.key(), s));
        for (int i = 0; i < instances; i++)
        {
            addInstance();
        }
        joined = true;
    }

    /** Starts an instance holding the cluster as it is now, with an empty connection table. */
    void addInstance()
    {
        final ControlPlane cp = new ControlPlane(ClusterGenerator.BALANCER_NODE,
            List.of(ClusterGenerator.BALANCER_NODE_IP), scheduler, seed).proxyMode(proxyMode);
        cp.nodeNetwork(network);
        ClusterApplier.applyAll(cp, new ClusterObjects(List.copyOf(services.values()), List.copyOf(slices.values()),
            0));
        cp.publish();
        planes.add(cp);
        final Classifier classifier = new Classifier(cp, config);
        classifiers.add(classifier);
        if (sync != null)
        {
            sync.attach(classifier, joined);
        }
    }

    /** True once the fleet's first instances are up: an instance added later joins a running fleet. */
    private boolean joined;

    /** With sync: the time the nodes apply peers' entries at (the latest packet's time). */
    void now(final long nanos)
    {
        if (sync != null)
        {
            sync.now(nanos);
        }
    }

    boolean synced()
    {
        return sync != null;
    }

    /**
     * With sync: waits until every peer has applied every change sent so far, as a fleet change should find it;
     * returns the changes that were still on their way.
     */
    long awaitSync()
    {
        return sync == null ? 0 : sync.awaitApplied();
    }

    /** The sync figures of the run so far, or null without sync. */
    FleetSync.SyncFigures syncFigures()
    {
        return sync == null ? null : sync.figures();
    }

    /**
     * Stops the last instance; its flows land on the others from the next packet on, and only its flows: routers
     * with resilient ECMP hashing keep the next hop of every flow whose next hop stays.
     */
    void removeInstance()
    {
        if (classifiers.size() == 1 || sizeBeforeRemoval > 0)
        {
            throw new IllegalStateException("a fleet loses at most one instance and keeps at least one");
        }
        final int last = classifiers.size() - 1;
        sizeBeforeRemoval = classifiers.size();
        if (sync != null)
        {
            sync.detachLast();
        }
        classifiers.remove(last).close();
        planes.remove(last);
    }

    int size()
    {
        return classifiers.size();
    }

    /** Applies a watch event to every instance (through the same code as a replayed churn file). */
    void apply(final ChurnEvent e)
    {
        for (final ControlPlane cp : planes)
        {
            ClusterApplier.apply(cp, e);
        }
        final boolean service = e.kind() == ChurnEvent.Kind.SERVICE;
        if (e.type() == ChurnEvent.Type.DELETED)
        {
            (service ? services : slices).remove(e.key());
        }
        else if (service && e.service() != null)
        {
            services.put(e.key(), e.service());
        }
        else if (!service && e.slice() != null)
        {
            slices.put(e.key(), e.slice());
        }
    }

    void publish()
    {
        planes.forEach(ControlPlane::publish);
    }

    /** The first instance's snapshot: every instance holds the same cluster. */
    Snapshot reference()
    {
        return planes.get(0).current();
    }

    Classifier classifier(final int instance)
    {
        return classifiers.get(instance);
    }

    /**
     * ECMP: a hash of the 5-tuple modulo the number of instances, as a router's next-hop selection; after the
     * removal of an instance, the flows it had are spread over the others and the rest keep theirs.
     */
    int instanceFor(final PacketTuple t)
    {
        final int n = classifiers.size();
        if (n == 1)
        {
            return 0;
        }
        long h = t.protocol * 0xD6E8FEB86659FD93L;
        h = (h ^ t.srcHi) * 0xFF51AFD7ED558CCDL;
        h = (h ^ t.srcLo) * 0xC4CEB9FE1A85EC53L;
        h = (h ^ t.dstHi) * 0xFF51AFD7ED558CCDL;
        h = (h ^ t.dstLo) * 0xC4CEB9FE1A85EC53L;
        h = (h ^ ((long)t.srcPort << 16 | t.dstPort)) * 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        if (sizeBeforeRemoval == 0)
        {
            return (int)Long.remainderUnsigned(h, n);
        }
        final int before = (int)Long.remainderUnsigned(h, sizeBeforeRemoval);
        return before < n ? before : (int)Long.remainderUnsigned(Long.divideUnsigned(h, sizeBeforeRemoval), n);
    }

    @Override
    public void close()
    {
        if (sync != null)
        {
            sync.close();
        }
        classifiers.forEach(Classifier::close);
        classifiers.clear();
        planes.clear();
    }
}
