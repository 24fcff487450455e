package io.vipflow.testkit;

import io.vipflow.ClassifierConfig;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ProxyMode;
import io.vipflow.testkit.oracle.Expectation;
import io.vipflow.testkit.oracle.ReferenceModel;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Gen;
import org.quicktheories.core.Reporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A property test of a proxy against vipflow's reference model of Kubernetes Service semantics: for every
 * generated {@link Workload}, every packet the proxy forwards goes to a backend the model allows, and every packet
 * it does not forward it rejects, drops or passes exactly as the model does (a proxy that drops what kube-proxy
 * rejects fails). New flows may go to any allowed backend; the model then holds the proxy to its choice for the rest
 * of the flow (and for the client's affinity).
 * <pre>{@code
 * ProxyProperty.of(cluster -> new MyProxyAdapter(cluster)).check();
 * }</pre>
 * A failure throws an {@link AssertionError} whose message is the shrunk counterexample ({@link Mismatch#describe()})
 * and the seed that reproduces it.
 * <p>
 * The model's configuration is settable and must match the proxy's: timeouts and policies
 * ({@link #withConfig}), the scheduler of Services that name none ({@link #withDefaultScheduler}), the kube-proxy
 * mode reproduced and the node's network.
 * <p>
 * Thread contract: a builder; configure and run on one thread. Each run uses its own model and proxy.
 */
public final class ProxyProperty
{
    private final Function<Cluster, ProxyUnderTest> proxies;
    private Gen<Workload> workloads = Workloads.workloads();
    private ClassifierConfig config = ClassifierConfig.defaults();
    private String defaultScheduler = "maglev";
    private String defaultSchedulerFlags = "";
    private ProxyMode proxyMode = ProxyMode.NFTABLES;
    private NodeNetwork nodeNetwork;
    private int examples = 100;
    private int shrinkCycles = 2_000;
    private Long seed;

    private ProxyProperty(final Function<Cluster, ProxyUnderTest> proxies)
    {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    /**
     * @param proxies makes a proxy for a workload, with the workload's Services and EndpointSlices applied.
     * @return a property over {@link Workloads#workloads()} with the model's defaults.
     */
    public static ProxyProperty of(final Function<Cluster, ProxyUnderTest> proxies)
    {
        return new ProxyProperty(proxies);
    }

    /**
     * @param gen the workloads to check (default {@link Workloads#workloads()}).
     * @return this.
     */
    public ProxyProperty withWorkloads(final Gen<Workload> gen)
    {
        this.workloads = Objects.requireNonNull(gen, "gen");
        return this;
    }

    /**
     * @param classifierConfig the timeouts and policies the model applies (mid-flow and removed-backend policies,
     *                         connection timeouts); capacities are ignored. Default {@link ClassifierConfig#defaults()}.
     * @return this.
     */
    public ProxyProperty withConfig(final ClassifierConfig classifierConfig)
    {
        this.config = Objects.requireNonNull(classifierConfig, "classifierConfig");
        return this;
    }

    /**
     * @param name  the scheduler of Services that name none (default {@code maglev}); the model runs no scheduler
     *              but needs to know which may find no destination for a new flow.
     * @param flags its flags, or null.
     * @return this.
     */
    public ProxyProperty withDefaultScheduler(final String name, final String flags)
    {
        this.defaultScheduler = Objects.requireNonNull(name, "name");
        this.defaultSchedulerFlags = flags == null ? "" : flags;
        return this;
    }

    /**
     * @param mode the kube-proxy mode whose behaviour is expected (default nftables).
     * @return this.
     */
    public ProxyProperty withProxyMode(final ProxyMode mode)
    {
        this.proxyMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * @param network the node's zone, cluster and Service CIDRs and masquerade-all (default
     *                {@link NodeNetwork#defaults()}).
     * @return this.
     */
    public ProxyProperty withNodeNetwork(final NodeNetwork network)
    {
        this.nodeNetwork = Objects.requireNonNull(network, "network");
        return this;
    }

    /**
     * @param count workloads tried before the property passes (default 100).
     * @return this.
     */
    public ProxyProperty withExamples(final int count)
    {
        this.examples = count;
        return this;
    }

    /**
     * @param cycles shrink attempts after a failure (default 2,000).
     * @return this.
     */
    public ProxyProperty withShrinkCycles(final int cycles)
    {
        this.shrinkCycles = cycles;
        return this;
    }

    /**
     * @param fixedSeed the seed of the workloads (default: QuickTheories' own, printed with a failure).
     * @return this.
     */
    public ProxyProperty withSeed(final long fixedSeed)
    {
        this.seed = fixedSeed;
        return this;
    }

    /**
     * Runs the property: generates workloads, plays each, and on the first mismatch shrinks it.
     *
     * @throws AssertionError with the shrunk counterexample when the proxy disagrees with the model.
     */
    public void check()
    {
        QuickTheory qt = QuickTheory.qt().withExamples(examples).withShrinkCycles(shrinkCycles)
            .withReporter(new ShortReporter());
        if (seed != null)
        {
            qt = qt.withFixedSeed(seed);
        }
        qt.forAll(workloads).checkAssert(w ->
        {
            final Mismatch m = play(w);
            if (m != null)
            {
                throw new AssertionError(m.describe());
            }
        });
    }

    /**
     * Plays one workload against a new proxy and a new model: before each packet the changes due by its time go
     * to both, then the proxy routes the packet and the model judges it.
     *
     * @param w the workload.
     * @return the first packet the proxy got wrong, or null when it got every packet right.
     */
    public Mismatch play(final Workload w)
    {
        final ReferenceModel model = model(w.cluster());
        final List<String> chosen = new ArrayList<>();
        final PacketTuple t = new PacketTuple();
        try (ProxyUnderTest proxy = proxies.apply(w.cluster()))
        {
            int next = 0;
            for (int i = 0; i < w.packets().size(); i++)
            {
                final Packet p = w.packets().get(i);
                while (next < w.changes().size() && w.changes().get(next).atNanos() <= p.atNanos())
                {
                    final ChurnEvent e = w.changes().get(next++);
                    proxy.apply(e);
                    e.dispatch(model::upsertService, model::deleteService, model::upsertSlice, model::deleteSlice);
                }
                final Expectation expected = model.expect(p.toTuple(t), p.atNanos());
                final Outcome outcome;
                try
                {
                    outcome = Objects.requireNonNull(proxy.decide(p), "the proxy's outcome");
                }
                catch (final RuntimeException ex)
                {
                    chosen.add("threw " + ex);
                    return new Mismatch(w, i, expected, chosen);
                }
                chosen.add(outcome.toString());
                if (!allows(expected, outcome))
                {
                    return new Mismatch(w, i, expected, chosen);
                }
                model.commit(expected, outcome.backend());
            }
        }
        return null;
    }

    private ReferenceModel model(final Cluster cluster)
    {
        final ReferenceModel model = new ReferenceModel(cluster.nodeName(), List.of(cluster.nodeIp()), config)
            .defaultScheduler(defaultScheduler, defaultSchedulerFlags).proxyMode(proxyMode);
        if (nodeNetwork != null)
        {
            model.nodeNetwork(nodeNetwork);
        }
        cluster.services().forEach(model::upsertService);
        cluster.slices().forEach(model::upsertSlice);
        return model;
    }

    /**
     * Whether a proxy's outcome is what {@code e} or one of its alternatives allows: the same verdict, and for a
     * DNAT a backend the model allows.
     */
    static boolean allows(final Expectation e, final Outcome outcome)
    {
        if (e.verdict() == outcome.verdict() &&
            (outcome.verdict() != Verdict.DNAT || e.allowedBackends().contains(outcome.backend())))
        {
            return true;
        }
        for (final Expectation alternative : e.alternatives())
        {
            if (allows(alternative, outcome))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Replaces QuickTheories' report (the smallest value and up to ten others, each printed whole) with the
     * smallest counterexample's description and the seed.
     */
    private static final class ShortReporter implements Reporter
    {
        @Override
        public void falisification(final long seed, final int examplesUsed, final Object smallest,
            final Throwable cause, final List<Object> others, final AsString<Object> toString)
        {
            throw new AssertionError(cause.getMessage() + "\n" + footer(seed, examplesUsed));
        }

        @Override
        public void falisification(final long seed, final int examplesUsed, final Object smallest,
            final List<Object> others, final AsString<Object> toString)
        {
            throw new AssertionError(toString.asString(smallest) + "\n" + footer(seed, examplesUsed));
        }

        @Override
        public void valuesExhausted(final int examplesUsed)
        {
            throw new AssertionError("no workload generated after " + examplesUsed + " attempts");
        }

        private static String footer(final long seed, final int examplesUsed)
        {
            return "(found after " + examplesUsed + " workloads and shrunk; reproduce with withSeed(" + seed + "L))";
        }
    }
}
