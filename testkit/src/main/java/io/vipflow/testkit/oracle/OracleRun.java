package io.vipflow.testkit.oracle;

import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Reason;
import io.vipflow.Verdict;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks every decision of a run against the {@link ReferenceModel} and counts disagreements by kind, keeping the
 * first few as examples. A fleet has one model per balancer instance (each instance keeps its own connections);
 * every model sees the same cluster changes.
 * <p>
 * Kinds: {@code verdict EXPECTED -> ACTUAL} (verdicts with their reasons), {@code service-port} (another Service
 * port matched), {@code backend} (a backend the model does not allow), {@code flow-state} (a new flow where the
 * model has an established one, or the reverse).
 * <p>
 * A run may be split into shards that each check their own clients' packets (a simulation keeps one per data-plane
 * worker): a packet's expectation depends only on the cluster, its flow's entry and its client's affinity records,
 * so shards keyed by client address see exactly what one model would; {@link #merge} adds them up.
 * <p>
 * Thread contract: confined to one thread at a time (a worker, and between packets the thread that applies churn,
 * with a happens-before edge between them).
 */
public final class OracleRun
{
    private final ClassifierConfig config;
    private final String nodeName;
    private final List<String> nodeIps;
    private final int examplesKept;
    private NodeNetwork network = NodeNetwork.defaults();
    private final List<ReferenceModel> models = new ArrayList<>();
    private final TreeMap<String, ServiceSpec> services = new TreeMap<>();
    private final TreeMap<String, EndpointSliceSpec> slices = new TreeMap<>();
    private final Map<String, Long> byKind = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private final List<Long> exampleIndices = new ArrayList<>();
    private String defaultScheduler = "maglev";
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    private long violations;
    private long checked;
    private boolean evictionAllowed;
    private long explainedByEviction;

    /**
     * @param config       the classifier's configuration (timeouts and policies).
     * @param nodeName     the balancer's node.
     * @param nodeIps      the balancer node's addresses.
     * @param examplesKept how many violations to keep as examples.
     */
    public OracleRun(final ClassifierConfig config, final String nodeName, final List<String> nodeIps,
        final int examplesKept)
    {
        this.config = config;
        this.nodeName = nodeName;
        this.nodeIps = List.copyOf(nodeIps);
        this.examplesKept = examplesKept;
    }

    /**
     * The balancer node's network, for the models of instances added from now on.
     *
     * @param next the node's network.
     */
    public void nodeNetwork(final NodeNetwork next)
    {
        network = next;
    }

    /**
     * Models a connection table smaller than its traffic: a decision that only an eviction explains (a flow whose
     * entry was not ESTABLISHED scheduled again as new, an affinity record forgotten) is allowed, as
     * {@link ReferenceModel#expectAfterEviction} describes, and counted ({@link #explainedByEviction}).
     *
     * @return this.
     */
    public OracleRun allowEviction()
    {
        this.evictionAllowed = true;
        return this;
    }

    /** @return decisions allowed only because the table may have evicted an entry ({@link #allowEviction}). */
    public long explainedByEviction()
    {
        return explainedByEviction;
    }

    /**
     * The control plane's default scheduler, for the instances added from now on (see {@link ReferenceModel}).
     *
     * @param name the scheduler's name.
     * @return this.
     */
    public OracleRun defaultScheduler(final String name)
    {
        this.defaultScheduler = name;
        return this;
    }

    /**
     * The kube-proxy mode reproduced, for the instances added from now on.
     *
     * @param mode the mode.
     * @return this.
     */
    public OracleRun proxyMode(final ProxyMode mode)
    {
        this.proxyMode = mode;
        return this;
    }

    /**
     * Adds a model for a new balancer instance, holding the cluster as it is now.
     *
     * @return its index.
     */
    public int addInstance()
    {
        final ReferenceModel model = new ReferenceModel(nodeName, nodeIps, config)
            .defaultScheduler(defaultScheduler, null).proxyMode(proxyMode);
        model.nodeNetwork(network);
        services.values().forEach(model::upsertService);
        slices.values().forEach(model::upsertSlice);
        models.add(model);
        return models.size() - 1;
    }

    /**
     * Drops the model of instance {@code index}; later instances move down by one.
     *
     * @param index the instance.
     */
    public void removeInstance(final int index)
    {
        models.remove(index);
    }

    /**
     * Connection sync: every instance's model takes the live entries of the others for flows it has none for, as
     * synced tables hold them once every peer has applied every change (a fleet change waits for that).
     *
     * @param nowNanos the time, on the packets' clock.
     */
    public void shareConnections(final long nowNanos)
    {
        for (final ReferenceModel to : models)
        {
            for (final ReferenceModel from : models)
            {
                if (from != to)
                {
                    to.adoptConnections(from, nowNanos);
                }
            }
        }
    }

    /**
     * @return the number of instances modelled.
     */
    public int instances()
    {
        return models.size();
    }

    /**
     * Adds or replaces a Service in every instance's model.
     *
     * @param s the Service.
     */
    public void upsertService(final ServiceSpec s)
    {
        services.put(s.key(), s);
        models.forEach(m -> m.upsertService(s));
    }

    /**
     * Adds or replaces an EndpointSlice in every instance's model.
     *
     * @param s the slice.
     */
    public void upsertSlice(final EndpointSliceSpec s)
    {
        slices.put(s.key(), s);
        models.forEach(m -> m.upsertSlice(s));
    }

    /**
     * Applies a watch event as {@code ClusterApplier} applies it to a control plane.
     *
     * @param e the event.
     */
    public void apply(final ChurnEvent e)
    {
        e.dispatch(this::upsertService, (namespace, name) ->
        {
            services.remove(namespace + "/" + name);
            models.forEach(m -> m.deleteService(namespace, name));
        }, this::upsertSlice, (namespace, name) ->
        {
            slices.remove(namespace + "/" + name);
            models.forEach(m -> m.deleteSlice(namespace, name));
        });
    }

    /**
     * Checks one decision and moves the instance's model past the packet.
     *
     * @param instance  the balancer instance that classified the packet.
     * @param index     packet number in the run, for examples.
     * @param t         the packet.
     * @param nowNanos  the time it was classified at.
     * @param d         the classifier's decision.
     * @return true when the decision is what the model allows.
     */
    public boolean check(final int instance, final long index, final PacketTuple t, final long nowNanos,
        final Decision d)
    {
        checked++;
        final ReferenceModel model = models.get(instance);
        Expectation e = model.expect(t, nowNanos);
        final String mismatch = e.check(d);
        final String actual = d.backend() == null ? null : d.backend().name;
        if (mismatch == null)
        {
            model.commit(e, actual);
            return true;
        }
        if (evictionAllowed)
        {
            final Expectation evicted = model.expectAfterEviction(t, nowNanos);
            if (evicted.check(d) == null)
            {
                explainedByEviction++;
                if (d.verdict() == Verdict.DROP)
                {
                    model.commitTableFull(evicted);
                }
                else
                {
                    model.commit(evicted, actual);
                }
                return true;
            }
            e = model.expect(t, nowNanos);
        }
        violations++;
        byKind.merge(kind(e, d), 1L, Long::sum);
        if (examples.size() < examplesKept)
        {
            examples.add(String.format(Locale.ROOT, "packet %d at %.6f s%s: %s: %s", index, nowNanos / 1e9,
                models.size() > 1 ? " on instance " + instance : "", t, mismatch));
            exampleIndices.add(index);
        }
        // The model follows the classifier where it can, so one fault is reported once rather than on every later
        // packet of the flow; a backend the model forbids cannot be recorded, so it records an allowed one.
        final boolean allowed = actual != null && e.allowedBackends().contains(actual);
        model.commit(e, allowed || e.allowedBackends().isEmpty() ? actual :
            Collections.min(e.allowedBackends()));
        return false;
    }

    static String kind(final Expectation e, final Decision d)
    {
        if (d.verdict() != e.verdict() || d.reason() != e.reason())
        {
            return "verdict " + spell(e.verdict(), e.reason()) + " -> " + spell(d.verdict(), d.reason());
        }
        final String label = d.servicePort() == null ? null : d.servicePort().label;
        if (!Objects.equals(label, e.servicePortLabel()))
        {
            return "service-port";
        }
        if (d.backend() != null && !e.allowedBackends().contains(d.backend().name))
        {
            return "backend";
        }
        return "flow-state";
    }

    private static String spell(final Verdict v, final Reason r)
    {
        return r == Reason.NONE ? v.name() : v.name() + "(" + r.label + ")";
    }

    /** @return decisions checked. */
    public long checked()
    {
        return checked;
    }

    /** @return decisions the model did not allow. */
    public long violations()
    {
        return violations;
    }

    /** @return violation counts by kind, sorted by kind. */
    public Map<String, Long> violationsByKind()
    {
        return Collections.unmodifiableMap(new TreeMap<>(byKind));
    }

    /** @return the first violations, described. */
    public List<String> examples()
    {
        return List.copyOf(examples);
    }

    /**
     * What shards of one run found together.
     *
     * @param checked          decisions checked.
     * @param violations       decisions the model did not allow.
     * @param violationsByKind counts by kind, sorted by kind.
     * @param examples         the first violations of the run, in packet order.
     */
    public record Findings(long checked, long violations, Map<String, Long> violationsByKind, List<String> examples)
    {
    }

    /**
     * Adds up shards: counts are summed and the earliest examples kept, as one model would have found them.
     *
     * @param shards       the runs, one per shard of the traffic.
     * @param examplesKept how many examples to keep.
     * @return the findings of all shards together.
     */
    public static Findings merge(final List<OracleRun> shards, final int examplesKept)
    {
        long checked = 0;
        long violations = 0;
        final Map<String, Long> kinds = new TreeMap<>();
        final TreeMap<Long, String> first = new TreeMap<>();
        for (final OracleRun shard : shards)
        {
            checked += shard.checked;
            violations += shard.violations;
            shard.byKind.forEach((k, v) -> kinds.merge(k, v, Long::sum));
            for (int i = 0; i < shard.examples.size(); i++)
            {
                first.put(shard.exampleIndices.get(i), shard.examples.get(i));
            }
        }
        return new Findings(checked, violations, Collections.unmodifiableMap(kinds),
            first.values().stream().limit(examplesKept).toList());
    }
}
