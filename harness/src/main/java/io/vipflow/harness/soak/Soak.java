package io.vipflow.harness.soak;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Verdict;
import io.vipflow.harness.gen.ChurnGenerator;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.gen.GeneratedCluster;
import io.vipflow.harness.gen.TrafficGenerator;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.testkit.oracle.OracleRun;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.harness.sim.ClassifyStep;
import io.vipflow.harness.sim.PacketSink;
import io.vipflow.harness.sim.ParallelReplay;
import io.vipflow.harness.sim.Scenario;
import io.vipflow.harness.sim.ScenarioReader;
import io.vipflow.harness.sim.Slot;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A bounded soak: one balancer (a {@link ControlPlane}, a {@link Classifier} and its connection table) and one set of
 * data-plane workers live for the whole run, while round after round of generated cluster churn and client traffic
 * goes through them until the time is up. Each round is {@code soak/round.yaml} with a new seed: a rolling update, a
 * crash loop, a node failure, a SYN flood and a scan. Every decision is checked at once by the reference model.
 * <p>
 * Between rounds the simulated clock jumps past every timeout and the sweeper makes a full pass, so each round starts
 * from an empty table and a fresh reference model that agrees with it; the balancer's control plane moves to the
 * next round's cluster through ordinary upserts and deletes. At the end of every round, with the workers idle, the
 * {@link CounterAudit} checks the counters against the table, and a {@link MemorySample} is taken with the round's
 * generator and model already dropped, so the samples measure what the balancer keeps.
 * <p>
 * Thread contract: {@link #run} is called by one thread, which generates packets and applies churn; it starts and
 * stops the workers itself.
 */
public final class Soak
{
    /** Simulated time between two rounds: longer than every connection and affinity timeout (ClientIP: one day). */
    static final long ROUND_GAP_NANOS = 2 * 86_400L * 1_000_000_000L;
    private static final int RING = 1 << 12;
    private static final int EXAMPLES = 5;

    /**
     * @param durationNanos      wall-clock time to run; the round in progress finishes.
     * @param workers            data-plane worker threads, ≥ 1.
     * @param seed               seed of the first round; later rounds derive theirs from it.
     * @param roundPackets       packets per round.
     * @param connectionCapacity connection-table capacity; small enough that the flood forces evictions.
     */
    public record Options(long durationNanos, int workers, long seed, long roundPackets, int connectionCapacity)
    {
        public Options
        {
            if (durationNanos <= 0 || workers < 1 || roundPackets < 1 || connectionCapacity < 1)
            {
                throw new IllegalArgumentException("duration, workers, packets per round and capacity must be > 0");
            }
        }
    }

    /**
     * What one round left behind.
     *
     * @param elapsedNanos    wall-clock time since the soak started.
     * @param packets         packets classified so far.
     * @param churnEvents     cluster changes applied so far.
     * @param entriesAtEnd    table entries when the round's traffic ended (before the gap's sweep).
     * @param memory          memory after the round, its generator and model dropped.
     * @param oracleViolations decisions the reference model disagreed with so far.
     * @param counterViolations counter disagreements found so far.
     */
    public record Round(int round, long elapsedNanos, long packets, long churnEvents, long entriesAtEnd,
        MemorySample memory, long oracleViolations, long counterViolations)
    {
    }

    private final Options options;
    private final Scenario base;
    private final ClassifierConfig config;
    private final ControlPlane controlPlane;
    private final Classifier classifier;
    private final OracleRun[] shards;
    private final Slot[] slots = new Slot[RING];
    private final long[] verdicts = new long[Verdict.values().length];
    private final SoakTotals totals;
    private long baseNanos;

    private Soak(final Options options) throws IOException
    {
        this.options = options;
        this.base = roundScenario();
        this.config = ClassifierConfig.defaults().withConnectionCapacity(options.connectionCapacity());
        this.controlPlane = new ControlPlane(ClusterGenerator.BALANCER_NODE, List.of(ClusterGenerator.BALANCER_NODE_IP),
            base.schedulers().get(0), options.seed());
        controlPlane.nodeNetwork(ClusterGenerator.balancerNetwork());
        this.classifier = new Classifier(controlPlane, config);
        this.shards = new OracleRun[options.workers()];
        this.totals = new SoakTotals(options.workers(), EXAMPLES);
    }

    /**
     * Runs the soak.
     *
     * @param onRound called after every round, on the calling thread.
     * @return every round's figures and the totals; the caller judges them ({@link SoakVerdict}).
     */
    public static SoakTotals run(final Options options, final Consumer<Round> onRound) throws IOException
    {
        final Soak soak = new Soak(options);
        try (Classifier ignored = soak.classifier)
        {
            return soak.loop(onRound);
        }
    }

    private SoakTotals loop(final Consumer<Round> onRound)
    {
        final long start = System.nanoTime();
        final List<PacketSink> checks = new ArrayList<>();
        for (int w = 0; w < shards.length; w++)
        {
            final int worker = w;
            checks.add(slot -> shards[worker].check(0, slot.index, slot.decision.tuple, slot.meta.timeNanos,
                slot.decision));
        }
        final PacketSink count = slot -> verdicts[slot.decision.verdict().ordinal()]++;
        try (ParallelReplay replay = new ParallelReplay(options.workers(), RING, ClassifyStep.DIRECT, checks, count))
        {
            for (int round = 0; round == 0 || System.nanoTime() - start < options.durationNanos(); round++)
            {
                final long entriesAtEnd = playRound(replay, subSeed(options.seed(), round));
                endRound();
                final MemorySample memory = MemorySample.take();
                final Round r = new Round(round, System.nanoTime() - start, replay.claimed(), totals.churnEvents,
                    entriesAtEnd, memory, totals.oracleViolations(), totals.counterViolations());
                totals.rounds.add(r);
                onRound.accept(r);
            }
        }
        totals.verdicts(verdicts);
        totals.counters = classifier.stats().toMap();
        return totals;
    }

    /** Plays one round; returns the table's entry count when its traffic ended. */
    private long playRound(final ParallelReplay replay, final long seed)
    {
        final Scenario scenario = base.withSeed(seed).scaledTo(options.roundPackets());
        final GeneratedCluster cluster = ChurnGenerator.generate(scenario.cluster(), scenario.churn(), seed,
            scenario.durationSeconds());
        moveTo(cluster.initial());
        for (int w = 0; w < shards.length; w++)
        {
            // The flood overfills the table on purpose, so the model allows what eviction may decide.
            final OracleRun shard = new OracleRun(config, ClusterGenerator.BALANCER_NODE,
                List.of(ClusterGenerator.BALANCER_NODE_IP), EXAMPLES).defaultScheduler(base.schedulers().get(0))
                .allowEviction();
            shard.nodeNetwork(ClusterGenerator.balancerNetwork());
            cluster.initial().services().forEach(shard::upsertService);
            cluster.initial().slices().forEach(shard::upsertSlice);
            shard.addInstance();
            shards[w] = shard;
        }
        final TrafficGenerator traffic = new TrafficGenerator(scenario.traffic(), cluster.services(),
            subSeed(seed, 2), scenario.durationSeconds(), options.roundPackets());
        final List<ChurnEvent> events = cluster.events();
        int next = 0;
        while (true)
        {
            final long t = traffic.peekNanos();
            if (t == TrafficGenerator.END)
            {
                break;
            }
            if (next < events.size() && events.get(next).atNanos() <= t)
            {
                // Churn between packets, as a replay applies a churn file: the packets before it are classified.
                replay.drain();
                while (next < events.size() && events.get(next).atNanos() <= t)
                {
                    final ChurnEvent e = events.get(next++);
                    ClusterApplier.apply(controlPlane, e);
                    for (final OracleRun shard : shards)
                    {
                        shard.apply(e);
                    }
                    totals.churnEvents++;
                }
                controlPlane.publish();
                classifier.sweep(baseNanos + t, classifier.connections().slotCount() / 8);
                continue;
            }
            final Slot slot = replay.claim();
            slots[(int)(slot.index & (RING - 1))] = slot;
            traffic.next(slot.decision.tuple, slot.meta);
            slot.meta.timeNanos += baseNanos;
            slot.instance = 0;
            slot.classifier = classifier;
            replay.dispatch(slot);
        }
        replay.drain();
        totals.oracle(shards);
        audit("end of round");
        baseNanos += Math.round(scenario.durationSeconds() * 1e9);
        return classifier.stats().toMap().get("entries");
    }

    /** Lets every timeout pass, sweeps the whole table and checks it is empty, then drops the round's model. */
    private void endRound()
    {
        baseNanos += ROUND_GAP_NANOS;
        // The first call finishes the pass the in-round sweeps began; the second visits every slot.
        classifier.sweep(baseNanos, classifier.connections().slotCount());
        classifier.sweep(baseNanos, classifier.connections().slotCount());
        final CounterAudit audit = audit("after every timeout and a full sweep");
        if (audit.liveSlots() != 0)
        {
            totals.counterViolation("after every timeout and a full sweep: " + audit.liveSlots() +
                " entries left in the table");
        }
        for (int w = 0; w < shards.length; w++)
        {
            shards[w] = null;
        }
    }

    private CounterAudit audit(final String when)
    {
        for (final Slot slot : slots)
        {
            if (slot != null)
            {
                classifier.flushStats(slot.decision);
            }
        }
        final CounterAudit audit = CounterAudit.of(classifier);
        audit.violations().forEach(v -> totals.counterViolation(when + ": " + v));
        return audit;
    }

    /** Brings the control plane to a round's initial cluster with the same upserts and deletes a watch delivers. */
    private void moveTo(final ClusterObjects cluster)
    {
        final Set<String> services = new HashSet<>();
        final Set<String> slices = new HashSet<>();
        cluster.services().forEach(s -> services.add(s.namespace() + "/" + s.name()));
        cluster.slices().forEach(s -> slices.add(s.namespace() + "/" + s.name()));
        for (final EndpointSliceSpec s : List.copyOf(controlPlane.slices().values()))
        {
            if (!slices.contains(s.namespace() + "/" + s.name()))
            {
                controlPlane.deleteSlice(s.namespace(), s.name());
                totals.churnEvents++;
            }
        }
        for (final ServiceSpec s : List.copyOf(controlPlane.services().values()))
        {
            if (!services.contains(s.namespace() + "/" + s.name()))
            {
                controlPlane.deleteService(s.namespace(), s.name());
                totals.churnEvents++;
            }
        }
        ClusterApplier.applyAll(controlPlane, cluster);
        totals.churnEvents += cluster.services().size() + cluster.slices().size();
        controlPlane.publish();
    }

    /** Independent seeds per round and per generator (SplitMix64 finaliser), as the simulation derives them. */
    static long subSeed(final long seed, final int stream)
    {
        long z = seed + stream * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Scenario roundScenario() throws IOException
    {
        try (InputStream in = Soak.class.getResourceAsStream("/soak/round.yaml"))
        {
            if (in == null)
            {
                throw new IOException("soak/round.yaml missing from the class path");
            }
            return ScenarioReader.parse("soak/round.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
