package io.vipflow.testkit.oracle;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Backend;
import io.vipflow.service.BackendSet;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.NodeNetwork;
import io.vipflow.service.ServicePort;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.vipflow.testkit.oracle.OracleFixtures.SECOND;

/**
 * One random differential run: a random cluster, then churn interleaved with traffic and sweeps, every change
 * applied to the real {@link ControlPlane} (and published) and to the {@link ReferenceModel}, every packet
 * classified by the real {@link Classifier} (backends' answers by {@code classifyReply}) and checked against the
 * model. Everything derives from one seed, step by step, so a shorter run is a prefix of a longer one with the
 * same seed (which is what shrinking needs).
 */
final class ClusterScenario
{
    /** Short timeouts, so that every expiry path is reached within a few simulated seconds. */
    static final ConnTimeouts TIMEOUTS = ConnTimeouts.ipvsDefaults()
        .withTcp(ConnState.NONE, SECOND)
        .withTcp(ConnState.ESTABLISHED, 10 * SECOND)
        .withTcp(ConnState.SYN_SENT, 4 * SECOND)
        .withTcp(ConnState.SYN_RECV, 3 * SECOND)
        .withTcp(ConnState.FIN_WAIT, 4 * SECOND)
        .withTcp(ConnState.TIME_WAIT, 3 * SECOND)
        .withTcp(ConnState.CLOSE, 2 * SECOND)
        .withTcp(ConnState.CLOSE_WAIT, 3 * SECOND)
        .withTcp(ConnState.LAST_ACK, 2 * SECOND)
        .withTcp(ConnState.LISTEN, 4 * SECOND)
        .withTcp(ConnState.SYNACK, 4 * SECOND)
        .withUdp(5 * SECOND)
        .withSctp(6 * SECOND);

    /**
     * Settings of one run.
     *
     * @param scheduler the control plane's default scheduler
     * @param midFlow   mid-flow policy
     * @param removed   removed-backend policy
     */
    record Settings(String scheduler, MidFlowPolicy midFlow, RemovedBackendPolicy removed, ProxyMode proxyMode)
    {
        Settings(final String scheduler, final MidFlowPolicy midFlow, final RemovedBackendPolicy removed)
        {
            this(scheduler, midFlow, removed, ProxyMode.NFTABLES);
        }

        /**
         * Sweeps run under the SCHEDULE mid-flow policy only. Under PASS and DROP the classifier decides an SCTP
         * packet of a flow whose backend was removed differently once the sweeper has purged its entry (see
         * DifferentialTest#sweptSctpFlowOfRemovedBackendIsRescheduledAsAnUnsweptOne).
         */
        boolean sweeps()
        {
            return true;
        }

        ClassifierConfig config()
        {
            return ClassifierConfig.defaults().withConnectionCapacity(4096).withAffinityCapacity(1024)
                .withTimeouts(TIMEOUTS).withMidFlowPolicy(midFlow).withRemovedBackendPolicy(removed);
        }
    }

    /** What the runs exercised, accumulated over all of them. */
    static final class Coverage
    {
        final Set<Verdict> verdicts = EnumSet.noneOf(Verdict.class);
        final Set<Reason> reasons = EnumSet.noneOf(Reason.class);
        final Map<String, Long> paths = new TreeMap<>();
        long scenarios;
        long packets;
        long replies;
        long changes;
        long sweeps;
    }

    private final Settings settings;
    private final long seed;
    private final RandomCluster gen;
    private final ControlPlane controlPlane;
    private final ReferenceModel model;
    private final TreeMap<String, ServiceSpec> services = new TreeMap<>();
    private final List<ServiceSpec> deletedServices = new ArrayList<>();
    private final TreeMap<String, EndpointSliceSpec> slices = new TreeMap<>();
    private final List<EndpointSliceSpec> deletedSlices = new ArrayList<>();
    private final ScenarioTraffic traffic;
    private final List<String> log = new ArrayList<>();
    private long now;
    private int sliceCounter;

    ClusterScenario(final Settings settings, final long seed)
    {
        this.settings = settings;
        this.seed = seed;
        this.gen = new RandomCluster(new Random(seed));
        this.traffic = new ScenarioTraffic(gen);
        this.controlPlane = new ControlPlane(RandomCluster.NODE, RandomCluster.NODE_IPS, settings.scheduler(), seed)
            .proxyMode(settings.proxyMode());
        this.model = new ReferenceModel(RandomCluster.NODE, RandomCluster.NODE_IPS, settings.config())
            .defaultScheduler(settings.scheduler(), null).proxyMode(settings.proxyMode());
        final NodeNetwork network = gen.network();
        controlPlane.nodeNetwork(network);
        model.nodeNetwork(network);
        // Caller clocks may be negative (System.nanoTime); only differences matter.
        this.now = gen.chance(0.5) ? -1_000 * SECOND : 1_000 * SECOND;
    }

    void run(final int steps, final Coverage coverage)
    {
        try (Classifier classifier = new Classifier(controlPlane, settings.config()))
        {
            final Decision decision = new Decision();
            final int serviceCount = 1 + gen.nextInt(4);
            for (int i = 0; i < serviceCount; i++)
            {
                addServiceWithSlices("svc-" + i);
            }
            for (int step = 0; step < steps; step++)
            {
                now += timeStep();
                if (gen.chance(0.25))
                {
                    churn();
                    coverage.changes++;
                }
                else if (settings.sweeps() && gen.chance(0.04))
                {
                    sweep(classifier);
                    coverage.sweeps++;
                }
                else
                {
                    packet(classifier, decision, step, steps, coverage);
                }
            }
            model.pathCounts().forEach((path, n) -> coverage.paths.merge(path, n, Long::sum));
            coverage.scenarios++;
        }
    }

    /** Mostly milliseconds, so flows live on; sometimes seconds, and now and then a jump past every timeout. */
    private long timeStep()
    {
        final int r = gen.nextInt(100);
        if (r < 60)
        {
            return gen.nextInt(50) * 1_000_000L;
        }
        if (r < 85)
        {
            return (50 + gen.nextInt(450)) * 1_000_000L;
        }
        if (r < 95)
        {
            return (500 + gen.nextInt(3500)) * 1_000_000L;
        }
        return (5 + gen.nextInt(16)) * SECOND;
    }

    private void churn()
    {
        if (gen.chance(0.03))
        {
            // The Node's zone label changes (or the node's network is configured anew).
            final NodeNetwork network = gen.network();
            controlPlane.nodeNetwork(network);
            model.nodeNetwork(network);
            publish("node network " + network);
            return;
        }
        final int c = gen.nextInt(100);
        if (c < 50 && !slices.isEmpty())
        {
            upsertSlice(gen.mutate(gen.pick(new ArrayList<>(slices.values()))));
        }
        else if (c < 58 && !slices.isEmpty())
        {
            final EndpointSliceSpec s = gen.pick(new ArrayList<>(slices.values()));
            slices.remove(s.key());
            deletedSlices.add(s);
            controlPlane.deleteSlice(s.namespace(), s.name());
            model.deleteSlice(s.namespace(), s.name());
            publish("delete slice " + s.key());
        }
        else if (c < 68)
        {
            if (!deletedSlices.isEmpty() && gen.chance(0.5))
            {
                upsertSlice(deletedSlices.remove(gen.nextInt(deletedSlices.size())));
            }
            else
            {
                final List<ServiceSpec> owners = new ArrayList<>(services.values());
                owners.addAll(deletedServices);
                if (!owners.isEmpty())
                {
                    final ServiceSpec owner = gen.pick(owners);
                    upsertSlice(gen.slice(owner, owner.name() + "-" + sliceCounter++, gen.pick(gen.families(owner))));
                }
            }
        }
        else if (c < 80 && !services.isEmpty())
        {
            upsertService(gen.mutate(gen.pick(new ArrayList<>(services.values()))));
        }
        else if (c < 88 && !services.isEmpty())
        {
            final ServiceSpec s = gen.pick(new ArrayList<>(services.values()));
            services.remove(s.key());
            deletedServices.add(s);
            controlPlane.deleteService(s.namespace(), s.name());
            model.deleteService(s.namespace(), s.name());
            publish("delete service " + s.key());
        }
        else if (!deletedServices.isEmpty() && gen.chance(0.7))
        {
            upsertService(deletedServices.remove(gen.nextInt(deletedServices.size())));
        }
        else
        {
            addServiceWithSlices("svc-" + gen.nextInt(5));
        }
    }

    /** A new Service (replacing any of that name) with a slice per family it serves, sometimes one more. */
    private void addServiceWithSlices(final String name)
    {
        final ServiceSpec s = gen.service(gen.chance(0.7) ? "default" : "team", name);
        upsertService(s);
        for (final boolean ipv6 : gen.families(s))
        {
            upsertSlice(gen.slice(s, s.name() + "-" + sliceCounter++, ipv6));
        }
        if (gen.chance(0.3))
        {
            upsertSlice(gen.slice(s, s.name() + "-" + sliceCounter++, gen.pick(gen.families(s))));
        }
    }

    private void upsertService(final ServiceSpec s)
    {
        services.put(s.key(), s);
        deletedServices.removeIf(d -> d.key().equals(s.key()));
        controlPlane.upsertService(s);
        model.upsertService(s);
        publish("upsert " + s);
    }

    private void upsertSlice(final EndpointSliceSpec s)
    {
        slices.put(s.key(), s);
        controlPlane.upsertSlice(s);
        model.upsertSlice(s);
        publish("upsert " + s);
    }

    /** Publishes and checks that the classifier's endpoint selection equals the model's (docs/SEMANTICS.md §2). */
    private void publish(final String change)
    {
        log.add(String.format("t=%.3f %s", now / 1e9, change));
        controlPlane.publish();
        final List<ServicePort> ports = controlPlane.current().servicePorts();
        for (final ServicePort sp : ports)
        {
            final BackendSelection expected = model.selection(sp.service.namespace(), sp.service.name(), sp.port,
                sp.ipv6);
            if (expected == null)
            {
                fail(-1, "the model has no service port for " + sp);
            }
            final Set<String> listed = new TreeSet<>();
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                listed.add(b.name);
                if (b.inClusterSet != expected.cluster().contains(b.name) ||
                    b.inLocalSet != expected.local().contains(b.name))
                {
                    fail(-1, sp + ": backend " + b.name + " cluster/local " + b.inClusterSet + "/" + b.inLocalSet +
                        ", model " + expected);
                }
            }
            checkSet(sp, "listed", listed, expected.listed().keySet());
            checkSet(sp, "cluster set", names(sp.clusterSet), expected.cluster());
            if (sp.service.externalTrafficLocal() || sp.service.internalTrafficLocal())
            {
                checkSet(sp, "local set", names(sp.localSet), expected.local());
            }
        }
        if (ports.size() != model.servicePortCount())
        {
            fail(-1, "classifier has " + ports.size() + " service ports, the model " + model.servicePortCount());
        }
    }

    static Set<String> names(final BackendSet set)
    {
        final Set<String> names = new TreeSet<>();
        for (int i = 0; i < set.size(); i++)
        {
            names.add(set.get(i).name);
        }
        return names;
    }

    private void checkSet(final ServicePort sp, final String what, final Set<String> actual,
        final Set<String> expected)
    {
        if (!new TreeSet<>(actual).equals(new TreeSet<>(expected)))
        {
            fail(-1, sp + " " + what + " " + new TreeSet<>(actual) + " but the model says " + new TreeSet<>(expected));
        }
    }

    /**
     * One step of the sweeper, over part of the table or all of it. The model has no counterpart: it treats
     * expired entries, and UDP and SCTP entries of backends no longer listed, as absent already.
     */
    private void sweep(final Classifier classifier)
    {
        final int slots = switch (gen.nextInt(3))
        {
            case 0 -> 64;
            case 1 -> 1024;
            default -> classifier.connections().slotCount();
        };
        log.add(String.format("t=%.3f sweep %d slots", now / 1e9, slots));
        classifier.sweep(now, slots);
    }

    private final PacketTuple[] batchTuple = new PacketTuple[1];
    private final Decision[] batchOut = new Decision[1];

    /** A client-to-service packet, or now and then a backend's answer to a recent flow. */
    private void packet(final Classifier classifier, final Decision d, final int step, final int steps,
        final Coverage coverage)
    {
        final boolean reply = traffic.hasAnswered() && gen.chance(0.15);
        boolean batched = false;
        final PacketTuple t = reply ? traffic.nextReply() :
            traffic.nextPacket(new ArrayList<>(services.values()), deletedServices);
        final Expectation e;
        if (reply)
        {
            e = model.expectReply(t, now);
            classifier.classifyReply(t, now, d);
        }
        else if (!(batched = gen.chance(0.5)))
        {
            e = model.expect(t, now);
            classifier.classify(t, now, d);
        }
        else
        {
            // The batch path (loads first, lookup from the slot it found) must decide exactly as one at a time.
            e = model.expect(t, now);
            batchTuple[0] = t;
            batchOut[0] = d;
            classifier.classifyBatch(batchTuple, 1, now, batchOut);
        }
        final String mismatch = e.check(d);
        log.add(String.format("t=%.3f %s%s => %s%s", now / 1e9, reply ? "reply " : batched ? "batch " : "", t, d,
            reply && d.frontend() != null ? " via " + Expectation.frontendOf(d) : ""));
        if (mismatch != null)
        {
            fail(step, mismatch + " (of " + steps + " steps)");
        }
        model.commit(e, d);
        if (!reply && d.verdict() == Verdict.DNAT)
        {
            traffic.answered(t, d.backend());
        }
        coverage.packets++;
        coverage.replies += reply ? 1 : 0;
        coverage.verdicts.add(d.verdict());
        coverage.reasons.add(d.reason());
    }

    private void fail(final int step, final String what)
    {
        throw new AssertionError(settings + " seed=" + seed + (step >= 0 ? " step " + step : "") + ": " + what +
            "\n  " + String.join("\n  ", log));
    }
}
