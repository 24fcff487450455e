package io.vipflow.harness.sim;

import io.vipflow.ClassifierConfig;
import io.vipflow.harness.gen.ChurnGenerator;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.gen.GeneratedCluster;
import io.vipflow.harness.gen.ServiceShape;
import io.vipflow.harness.gen.TrafficGenerator;
import io.vipflow.testkit.ChurnEvent;
import io.vipflow.testkit.oracle.OracleRun;
import io.vipflow.service.ProxyMode;
import io.vipflow.harness.output.OutputFile;
import io.vipflow.harness.replay.DecisionWriter;
import io.vipflow.harness.replay.TableBudget;
import io.vipflow.harness.report.ChurnMark;
import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.NodeNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs one scenario under each of its schedulers: the same generated cluster, churn and traffic every time, through
 * the {@link ParallelReplay}, with every decision checked by the oracle. Churn is applied between packets exactly as
 * a replay applies a churn file: every event due at or before a packet's time is published before that packet,
 * after the packets before it have been classified and checked.
 * <p>
 * Each worker checks its own decisions against its own shard of the oracle as it makes them; the collector merges
 * decisions in packet order for the counts and files.
 * <p>
 * Determinism: with one worker every scheduler's decisions depend on the seed alone. With several workers,
 * packets of different flows are classified in an order that varies from run to run; decisions stay the same for
 * schedulers whose pick depends only on the flow and the backend set (maglev, ring-hash, mh, sh, dh), and may
 * differ for those with shared state (rr, wrr, random, the least-connection family), though always within what
 * the oracle allows. Summaries and decision files are written in packet order either way.
 * <p>
 * Thread contract: {@link #run} may be called from any thread; it starts and stops its own workers.
 */
public final class Simulation
{
    /** Violations kept as examples per scheduler. */
    public static final int EXAMPLES = 10;
    /**
     * Packets each scheduler replays, untimed, before the measured runs. Without it the first scheduler's run also
     * paid for compiling the shared classify, generator and oracle code: in the demo its p99 new-flow cost was about
     * ten times the others' and its packet rate about half. Enough for the JIT's optimising tier to compile the
     * per-packet paths.
     */
    public static final long WARMUP_PACKETS = 100_000;
    /** Prefix of the progress label of a warm-up pass. */
    public static final String WARMUP_LABEL = "warm-up ";
    private static final int RING = 1 << 14;
    private static final int PROGRESS_STEP = 1 << 16;

    /**
     * How to run.
     *
     * @param scenario  the scenario (its schedulers, seed and fleet are used as given).
     * @param workers   data-plane worker threads, ≥ 1.
     * @param packets   packets to generate (the traffic rate is scaled to fit the duration), 0 for the scenario's
     *                  own rate.
     * @param decisions decisions file (JSON Lines, replay schema), null for none; with several schedulers each
     *                  gets its own file, named with the scheduler before the extension.
     * @param oracle    check every decision against the reference model.
     * @param progress  progress display.
     * @param step      how workers classify ({@link ClassifyStep#DIRECT} but in tests).
     * @param warmup    packets each scheduler replays, untimed and unrecorded, before the first measured run
     *                  (at most the run's own packet count); 0 for none.
     * @param sync      connect a fleet's instances by connection sync, and run each scheduler without it too.
     * @param proxyMode the kube-proxy mode every balancer instance and the reference model reproduce.
     */
    public record Options(Scenario scenario, int workers, long packets, Path decisions, boolean oracle,
        ProgressSink.Factory progress, ClassifyStep step, long warmup, boolean sync, ProxyMode proxyMode,
        NodeNetwork network)
    {
        public Options
        {
            if (workers < 1 || packets < 0 || warmup < 0)
            {
                throw new IllegalArgumentException("workers must be ≥ 1, packets and warmup ≥ 0");
            }
        }

        /** One worker, the scenario's rate, oracle on, no files, no progress, {@link #WARMUP_PACKETS} warm-up. */
        public static Options of(final Scenario scenario)
        {
            return new Options(scenario, 1, 0, null, true, ProgressSink.Factory.NONE, ClassifyStep.DIRECT,
                WARMUP_PACKETS, false, ProxyMode.NFTABLES, ClusterGenerator.balancerNetwork());
        }

        public Options withWorkers(final int n)
        {
            return new Options(scenario, n, packets, decisions, oracle, progress, step, warmup, sync, proxyMode, network);
        }

        public Options withPackets(final long n)
        {
            return new Options(scenario, workers, n, decisions, oracle, progress, step, warmup, sync, proxyMode, network);
        }

        public Options withDecisions(final Path file)
        {
            return new Options(scenario, workers, packets, file, oracle, progress, step, warmup, sync, proxyMode, network);
        }

        public Options withOracle(final boolean on)
        {
            return new Options(scenario, workers, packets, decisions, on, progress, step, warmup, sync, proxyMode, network);
        }

        public Options withProgress(final ProgressSink.Factory factory)
        {
            return new Options(scenario, workers, packets, decisions, oracle, factory, step, warmup, sync, proxyMode, network);
        }

        public Options withStep(final ClassifyStep s)
        {
            return new Options(scenario, workers, packets, decisions, oracle, progress, s, warmup, sync, proxyMode, network);
        }

        public Options withProxyMode(final ProxyMode mode)
        {
            return new Options(scenario, workers, packets, decisions, oracle, progress, step, warmup, sync, mode, network);
        }

        public Options withSync(final boolean on)
        {
            return new Options(scenario, workers, packets, decisions, oracle, progress, step, warmup, on, proxyMode, network);
        }

        public Options withWarmup(final long n)
        {
            return new Options(scenario, workers, packets, decisions, oracle, progress, step, n, sync, proxyMode, network);
        }

        /** The balancer node's zone, cluster and Service CIDRs, masquerade-all (default: the generated node's zone). */
        public Options withNetwork(final NodeNetwork n)
        {
            return new Options(scenario, workers, packets, decisions, oracle, progress, step, warmup, sync, proxyMode, n);
        }
    }

    private Simulation()
    {
    }

    /**
     * @return one {@link SchedulerRun} per scheduler, the churn marks and notes.
     * @throws IOException              when the decisions file cannot be written.
     * @throws IllegalArgumentException when the scenario's churn names something that does not exist.
     */
    public static RunReport run(final Options options) throws IOException
    {
        final Scenario scenario = options.packets() > 0 ? options.scenario().scaledTo(options.packets()) :
            options.scenario();
        final GeneratedCluster cluster = generate(scenario);
        final List<ChurnMark> marks = new ArrayList<>(cluster.marks());
        final FleetPlan fleet = scenario.fleet();
        if (fleet.change() != 0 && fleet.atSeconds() < scenario.durationSeconds())
        {
            marks.add(new ChurnMark(Math.round(fleet.atSeconds() * 1e9), "balancer instance " +
                (fleet.change() > 0 ? "added" : "removed") + ": " + (fleet.instances() + fleet.change()) +
                " behind ECMP"));
            marks.sort(Comparator.comparingLong(ChurnMark::atNanos));
        }
        final double expected = options.packets() > 0 ? options.packets() : scenario.expectedPackets();
        final long warmup = Math.min(options.warmup(), (long)expected);
        // Every scheduler's code is compiled before any is measured, so no run pays for the JIT's warm-up. The
        // warm-up traffic is thinned to span most of the scenario, so the phases of its churn are compiled too; the
        // rate aims a quarter over the count, since a thin Poisson stream can fall short of what scaledTo aims at.
        final Scenario thinned = warmup > 0 ? scenario.scaledTo(warmup + warmup / 4) : scenario;
        for (int i = 0; warmup > 0 && i < scenario.schedulers().size(); i++)
        {
            final String scheduler = scenario.schedulers().get(i);
            new SchedulerSession(thinned, options, cluster, marks, scheduler, null, warmup, WARMUP_LABEL + scheduler,
                options.sync()).run();
        }
        final List<SchedulerRun> runs = new ArrayList<>();
        for (final String scheduler : scenario.schedulers())
        {
            if (warmup > 0)
            {
                // Each measured run starts from a collected heap, so none pays for garbage an earlier run left.
                System.gc();
            }
            final long limit = options.packets() > 0 ? options.packets() : Long.MAX_VALUE;
            final SchedulerRun unsynced = options.sync() ? new SchedulerSession(scenario, options, cluster, marks,
                scheduler, null, limit, scheduler + " without sync", false).run() : null;
            final SchedulerSession session = new SchedulerSession(scenario, options, cluster, marks, scheduler,
                decisionsFile(options.decisions(), scheduler, scenario.schedulers().size()), limit, scheduler,
                options.sync());
            final SchedulerRun run = session.run();
            runs.add(unsynced == null ? run : run.withSync(session.syncRun(unsynced)));
        }
        final List<String> notes = new ArrayList<>();
        notes.add(scenario.description());
        if (fleet.isFleet())
        {
            notes.add(fleet.describe() + (fleet.change() < 0 ?
                "; ECMP is hash(5-tuple) mod instances, and the removed instance's flows spread over the others" :
                "; ECMP is hash(5-tuple) mod instances, so a change moves most flows"));
        }
        if (options.sync() && fleet.isFleet())
        {
            notes.add("connection sync over Aeron IPC between the instances; before the fleet change the run waited " +
                "until every peer had applied every change sent so far (\"in flight at change\" counts those still " +
                "on their way); each scheduler also ran without sync");
        }
        if (warmup > 0)
        {
            notes.add("before the measured runs each scheduler replayed " + warmup + " packets spread over most " +
                "of the scenario, untimed");
        }
        notes.addAll(topologyNotes(scenario, cluster, options.network()));
        notes.add(options.workers() + " data-plane worker" + (options.workers() == 1 ? "" : "s") +
            (options.oracle() ? "; every decision checked against the reference model" : "; oracle off"));
        return new RunReport(scenario.name(), scenario.seed(), Math.round(scenario.durationSeconds() * 1e9), runs,
            marks, notes);
    }

    /**
     * One line per topology-aware Service: how its hints narrow the balancer's cluster set at the start (zone
     * hints only; node hints, for {@code PreferSameNode}, narrow it to the balancer's own node when it has an
     * endpoint).
     */
    private static List<String> topologyNotes(final Scenario scenario, final GeneratedCluster cluster,
        final NodeNetwork network)
    {
        final List<String> out = new ArrayList<>();
        for (final ServiceShape shape : scenario.cluster().services())
        {
            if (shape.trafficDistribution() == null)
            {
                continue;
            }
            long ready = 0;
            long inZone = 0;
            for (final EndpointSliceSpec slice : cluster.initial().slices())
            {
                if (slice.serviceKey().equals(shape.key()) && !slice.ipv6())
                {
                    ready += slice.endpoints().stream().filter(EndpointSpec::ready).count();
                    inZone += slice.endpoints().stream()
                        .filter(e -> e.ready() && e.zoneHints().contains(network.zone())).count();
                }
            }
            out.add(shape.key() + " is topology-aware (trafficDistribution " + shape.trafficDistribution() +
                "): the balancer's node is in " + (network.zone().isEmpty() ? "no zone" : network.zone()) + "; " +
                (inZone > 0 ? "its new flows go to the " + inZone + " endpoint(s) hinted for that zone, of " + ready +
                    " ready, at the start" : "no endpoint is hinted for that zone at the start, so hints are ignored"));
        }
        return out;
    }

    /** The scenario's cluster and churn, as every run of it sees them. */
    public static GeneratedCluster generate(final Scenario scenario)
    {
        return ChurnGenerator.generate(scenario.cluster(), scenario.churn(), subSeed(scenario.seed(), 1),
            scenario.durationSeconds());
    }

    /** Independent seeds for the generators, so changing one generator never shifts another's draws. */
    static long subSeed(final long seed, final int stream)
    {
        long z = seed + stream * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static Path decisionsFile(final Path file, final String scheduler, final int schedulers)
    {
        if (file == null || schedulers == 1)
        {
            return file;
        }
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final String named = dot > 0 ? name.substring(0, dot) + "-" + scheduler + name.substring(dot) :
            name + "-" + scheduler;
        return file.resolveSibling(named);
    }

    /** Connection-table slots for a run: room for every flow at low load, within 1 << 23 (about 600 MB). */
    static int capacity(final double packets, final int instances)
    {
        final long wanted = (long)Math.min(1L << 23, Math.max(1L << 16, packets / Math.max(1, instances - 1)));
        return (int)Long.highestOneBit(wanted * 2 - 1);
    }

    /** One scheduler's run. */
    private static final class SchedulerSession
    {
        private final Scenario scenario;
        private final Options options;
        private final GeneratedCluster cluster;
        private final List<ChurnMark> marks;
        private final String scheduler;
        private final Path decisions;
        private final long packetLimit;
        private final String label;
        private final boolean sync;
        private FleetSync.SyncFigures syncFigures;

        /**
         * @param packetLimit packets to generate at most.
         * @param label       the progress label.
         * @param sync        connect the fleet's instances by connection sync.
         */
        SchedulerSession(final Scenario scenario, final Options options, final GeneratedCluster cluster,
            final List<ChurnMark> marks, final String scheduler, final Path decisions, final long packetLimit,
            final String label, final boolean sync)
        {
            this.sync = sync && scenario.fleet().isFleet();
            this.packetLimit = packetLimit;
            this.label = label;
            this.scenario = scenario;
            this.options = options;
            this.cluster = cluster;
            this.marks = marks;
            this.scheduler = scheduler;
            this.decisions = decisions;
        }

        SchedulerRun run() throws IOException
        {
            final FleetPlan plan = scenario.fleet();
            TableBudget.require("scenario " + scenario.name() + " with " + scheduler, cluster.initial(), scheduler,
                plan.instances() + Math.max(0, plan.change()), Runtime.getRuntime().maxMemory());
            final double expected = options.packets() > 0 ? options.packets() : scenario.expectedPackets();
            final ClassifierConfig config = ClassifierConfig.defaults()
                .withConnectionCapacity(capacity(expected, plan.instances() + Math.max(0, plan.change())));
            // One oracle shard per worker: workers are steered by client, and a client's packets depend on no other
            // client's state in the model.
            final List<OracleRun> oracles = new ArrayList<>();
            for (int w = 0; options.oracle() && w < options.workers(); w++)
            {
                final OracleRun shard = new OracleRun(config, ClusterGenerator.BALANCER_NODE,
                    List.of(ClusterGenerator.BALANCER_NODE_IP), EXAMPLES).defaultScheduler(scheduler)
                    .proxyMode(options.proxyMode());
                shard.nodeNetwork(options.network());
                cluster.initial().services().forEach(shard::upsertService);
                cluster.initial().slices().forEach(shard::upsertSlice);
                for (int i = 0; i < plan.instances(); i++)
                {
                    shard.addInstance();
                }
                oracles.add(shard);
            }
            final long duration = Math.round(scenario.durationSeconds() * 1e9);
            final long bucket = bucketNanos(duration);
            final List<Long> markTimes = marks.stream().map(ChurnMark::atNanos).toList();
            try (OutputFile out = decisions == null ? null : OutputFile.open(decisions);
                DecisionWriter writer = out == null ? null : new DecisionWriter(out.stream());
                Fleet fleet = new Fleet(scheduler, scenario.seed(), config, plan.instances(), cluster.initial(), sync,
                    options.proxyMode(), options.network());
                ProgressSink progress = options.progress().start(label, Math.min(packetLimit, (long)expected)))
            {
                final RunRecorder recorder = new RunRecorder(writer, bucket, (int)((duration + bucket - 1) / bucket),
                    markTimes);
                final TrafficGenerator traffic = new TrafficGenerator(scenario.traffic(), cluster.services(),
                    subSeed(scenario.seed(), 2), scenario.durationSeconds(), packetLimit);
                final long start = System.nanoTime();
                replay(fleet, oracles, recorder, traffic, progress);
                syncFigures = fleet.syncFigures();
                final SchedulerRun run = recorder.finish(scheduler, System.nanoTime() - start,
                    oracles.isEmpty() ? null : OracleRun.merge(oracles, EXAMPLES));
                if (out != null)
                {
                    writer.close();
                    out.commit();
                }
                return run;
            }
        }

        private void replay(final Fleet fleet, final List<OracleRun> oracles, final RunRecorder recorder,
            final TrafficGenerator traffic, final ProgressSink progress)
        {
            final List<ChurnEvent> events = cluster.events();
            final FleetPlan plan = scenario.fleet();
            long fleetAt = plan.change() == 0 ? Long.MAX_VALUE : Math.round(plan.atSeconds() * 1e9);
            int next = 0;
            long nextAt = events.isEmpty() ? Long.MAX_VALUE : events.get(0).atNanos();
            long reported = 0;
            recorder.startEpoch(fleet.reference());
            final List<PacketSink> checks = new ArrayList<>();
            for (final OracleRun shard : oracles)
            {
                checks.add(slot -> shard.check(slot.instance, slot.index, slot.decision.tuple, slot.meta.timeNanos,
                    slot.decision));
            }
            try (ParallelReplay replay = new ParallelReplay(options.workers(), RING, options.step(),
                checks.isEmpty() ? null : checks, recorder))
            {
                while (true)
                {
                    final long t = traffic.peekNanos();
                    if (t == TrafficGenerator.END)
                    {
                        break;
                    }
                    if (Math.min(nextAt, fleetAt) <= t)
                    {
                        replay.drain();
                        recorder.endEpoch();
                        while (nextAt <= t)
                        {
                            fleet.apply(events.get(next));
                            for (final OracleRun shard : oracles)
                            {
                                shard.apply(events.get(next));
                            }
                            next++;
                            nextAt = next < events.size() ? events.get(next).atNanos() : Long.MAX_VALUE;
                        }
                        if (fleetAt <= t)
                        {
                            if (fleet.synced())
                            {
                                fleet.awaitSync();
                                oracles.forEach(o -> o.shareConnections(t));
                            }
                            changeFleet(fleet, oracles, plan.change());
                            if (fleet.synced() && plan.change() > 0)
                            {
                                // The instance that joined caught up with a peer's whole table before taking traffic:
                                // its model holds the same entries.
                                oracles.forEach(o -> o.shareConnections(t));
                            }
                            fleetAt = Long.MAX_VALUE;
                        }
                        fleet.publish();
                        recorder.startEpoch(fleet.reference());
                        continue;
                    }
                    final Slot slot = replay.claim();
                    traffic.next(slot.decision.tuple, slot.meta);
                    slot.instance = fleet.instanceFor(slot.decision.tuple);
                    fleet.now(slot.meta.timeNanos);
                    slot.classifier = fleet.classifier(slot.instance);
                    replay.dispatch(slot);
                    if (replay.claimed() - reported >= PROGRESS_STEP)
                    {
                        progress.advance(replay.claimed() - reported);
                        reported = replay.claimed();
                    }
                }
                replay.drain();
                recorder.endEpoch();
                progress.advance(replay.claimed() - reported);
            }
        }

        /** This run's sync figures beside the same run without sync. */
        io.vipflow.harness.report.SyncRun syncRun(final SchedulerRun unsynced)
        {
            final FleetSync.SyncFigures f = syncFigures;
            return new io.vipflow.harness.report.SyncRun(unsynced.brokenFlows(), unsynced.brokenByScheduler(),
                f == null ? 0 : f.inFlightAtChanges(), f == null ? 0 : f.dropped(), f == null ? 0 : f.lost(),
                f == null ? -1 : f.lagP50Nanos(), f == null ? -1 : f.lagP99Nanos());
        }

        private static void changeFleet(final Fleet fleet, final List<OracleRun> oracles, final int change)
        {
            if (change > 0)
            {
                fleet.addInstance();
                oracles.forEach(OracleRun::addInstance);
            }
            else
            {
                fleet.removeInstance();
                oracles.forEach(o -> o.removeInstance(o.instances() - 1));
            }
        }

        /** About 60 buckets over the run, a whole number of seconds each (at least one). */
        private static long bucketNanos(final long duration)
        {
            final long seconds = Math.max(1, Math.round(duration / 60e9));
            return seconds * 1_000_000_000L;
        }
    }
}
