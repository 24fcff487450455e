package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.k8s.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.NodeNetwork;
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

    Fleet(final String scheduler, final long seed, final ClassifierConfig config, final int instances,
        final ClusterObjects initial, final NodeNetwork network)
    {
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
    }

    /** Starts an instance holding the cluster as it is now, with an empty connection table. */
    void addInstance()
    {
        final ControlPlane cp = new ControlPlane(ClusterGenerator.BALANCER_NODE,
            List.of(ClusterGenerator.BALANCER_NODE_IP), scheduler, seed);
        cp.nodeNetwork(network);
        ClusterApplier.applyAll(cp, new ClusterObjects(List.copyOf(services.values()), List.copyOf(slices.values()),
            0));
        cp.publish();
        planes.add(cp);
        classifiers.add(new Classifier(cp, config));
    }

    /** Stops the last instance; its flows land elsewhere from the next packet on. */
    void removeInstance()
    {
        if (classifiers.size() == 1)
        {
            throw new IllegalStateException("the last instance of a fleet cannot be removed");
        }
        final int last = classifiers.size() - 1;
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

    /** ECMP: a hash of the 5-tuple modulo the number of instances, as a router's next-hop selection. */
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
        return (int)Long.remainderUnsigned(h, n);
    }

    @Override
    public void close()
    {
        classifiers.forEach(Classifier::close);
        classifiers.clear();
        planes.clear();
    }
}
