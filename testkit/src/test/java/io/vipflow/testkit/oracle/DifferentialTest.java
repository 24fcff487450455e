package io.vipflow.testkit.oracle;

import io.vipflow.MidFlowPolicy;
import io.vipflow.Reason;
import io.vipflow.RemovedBackendPolicy;
import io.vipflow.Verdict;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.ProxyMode;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The real classifier against the reference model on random clusters with churn, traffic, backends' answers and
 * sweeps, for every scheduler, mid-flow policy and removed-backend policy. QuickTheories draws a seed and a step count; the
 * scenario is built from the seed step by step, so shrinking the step count finds the shortest failing prefix.
 */
class DifferentialTest
{
    /** Examples per combination of settings (3 schedulers x 3 mid-flow policies x DROP and RESCHEDULE). */
    private static final int EXAMPLES = Integer.getInteger("vipflow.differential.examples", 100);

    /** Decision paths of the model that the generator must reach (midflow-drop only runs under DROP). */
    private static final List<String> REQUIRED_PATHS = List.of("pass-no-frontend", "drop-source-range",
        "expired-entry", "removed-drop", "removed-reschedule-tcp", "removed-reschedule-other", "reuse-closed",
        "reuse-quiesced", "established", "established-unusable-backend", "midflow-pass", "midflow-drop",
        "midflow-schedule", "reject-no-endpoints", "drop-no-local-endpoints", "affinity-none", "affinity-hit",
        "affinity-unusable", "new-flow", "new-flow-rescheduled", "reply-hit", "reply-hit-ambiguous", "reply-miss",
        "drop-unallocated-cluster-ip", "reject-unserved-port", "short-circuit-pod", "short-circuit-node",
        "masquerade");

    /** One scheduler of each kind: cursor, random and consistent hash (the model accepts any allowed pick). */
    private static final List<String> SCHEDULERS = List.of("rr", "random", "maglev");

    @Test
    void classifierAgreesWithTheModel()
    {
        final ClusterScenario.Coverage coverage = new ClusterScenario.Coverage();
        long fixedSeed = 0x5eed_0f_0ac1eL;
        for (final String scheduler : SCHEDULERS)
        {
            for (final MidFlowPolicy midFlow : MidFlowPolicy.values())
            {
                for (final RemovedBackendPolicy removed : List.of(RemovedBackendPolicy.DROP,
                    RemovedBackendPolicy.RESCHEDULE))
                {
                    final ClusterScenario.Settings settings =
                        new ClusterScenario.Settings(scheduler, midFlow, removed);
                    qt().withFixedSeed(fixedSeed++).withExamples(EXAMPLES).withShrinkCycles(300)
                        .forAll(longs().all(), integers().between(10, 220))
                        .checkAssert((seed, steps) -> new ClusterScenario(settings, seed).run(steps, coverage));
                }
            }
        }

        System.out.printf("differential: %d scenarios, %d packets (%d replies), %d control-plane changes, %d sweeps;"
            + " paths %s%n", coverage.scenarios, coverage.packets, coverage.replies, coverage.changes, coverage.sweeps,
            coverage.paths);
        assertEquals(EnumSet.allOf(Verdict.class), coverage.verdicts, "verdicts seen");
        // The new-flow limit is not generated here (nor tables filled, nor frames parsed): core tests those.
        final Set<Reason> reasons = EnumSet.allOf(Reason.class);
        // No scheduler here ever finds no destination; ReferenceModelTest and ClassifierTest cover no-destination.
        reasons.removeAll(List.of(Reason.MALFORMED, Reason.UNSUPPORTED_LINK, Reason.TABLE_FULL, Reason.RATE_LIMITED,
            Reason.NO_DESTINATION));
        assertEquals(reasons, coverage.reasons, "reasons seen");
        final Set<String> missing = new TreeSet<>(REQUIRED_PATHS);
        missing.removeAll(coverage.paths.keySet());
        assertTrue(missing.isEmpty(), "model paths never taken: " + missing + " (taken: " + coverage.paths + ")");
    }

    /**
     * The removed-backend policies that let a flow go on to the endpoint that left: KEEP (nftables and iptables
     * conntrack) in the default profile, DRAIN (IPVS graceful deletion) in the IPVS profile, where the endpoint is
     * also a weight-0 destination while it drains.
     */
    @Test
    void classifierAgreesWithTheModelWhenRemovedBackendsKeepTheirFlows()
    {
        final ClusterScenario.Coverage coverage = new ClusterScenario.Coverage();
        long fixedSeed = 0x6ee9_0f_0ac1eL;
        for (final ClusterScenario.Settings settings : List.of(
            new ClusterScenario.Settings("rr", MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.KEEP),
            new ClusterScenario.Settings("maglev", MidFlowPolicy.DROP, RemovedBackendPolicy.KEEP),
            new ClusterScenario.Settings("sh", MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DRAIN, ProxyMode.IPVS),
            new ClusterScenario.Settings("rr", MidFlowPolicy.PASS, RemovedBackendPolicy.DRAIN, ProxyMode.IPVS)))
        {
            qt().withFixedSeed(fixedSeed++).withExamples(Math.max(1, EXAMPLES / 2)).withShrinkCycles(300)
                .forAll(longs().all(), integers().between(10, 220))
                .checkAssert((seed, steps) -> new ClusterScenario(settings, seed).run(steps, coverage));
        }
        System.out.printf("differential, KEEP and DRAIN: %d scenarios, %d packets; paths %s%n", coverage.scenarios,
            coverage.packets, coverage.paths);
        assertTrue(coverage.paths.getOrDefault("removed-keep", 0L) > 0, coverage.paths.toString());
        assertTrue(coverage.paths.getOrDefault("removed-drop", 0L) > 0, "SCTP under DRAIN: " + coverage.paths);
    }

    /**
     * An IPv6 Service address written in IPv4-mapped form ({@code ::ffff:10.96.0.1}) is an IPv6 frontend; an
     * IPv4 packet to 10.96.0.1 is not addressed to it (§1: exact match). Regression: IPv4 is stored in mapped
     * form, so frontend and connection keys must carry the address family or the two alias.
     */
    /**
     * The IPVS profile: destinations are the members only (draining ones at weight 0), a Local policy falls back to
     * the cluster endpoints; {@code sh} without fallback refuses flows whose bucket a draining destination holds.
     */
    @Test
    void classifierAgreesWithTheModelInTheIpvsProfile()
    {
        final ClusterScenario.Coverage coverage = new ClusterScenario.Coverage();
        long fixedSeed = 0x1975_0f_0ac1eL;
        for (final String scheduler : List.of("rr", "sh"))
        {
            final ClusterScenario.Settings settings = new ClusterScenario.Settings(scheduler, MidFlowPolicy.SCHEDULE,
                RemovedBackendPolicy.DROP, ProxyMode.IPVS);
            qt().withFixedSeed(fixedSeed++).withExamples(EXAMPLES).withShrinkCycles(300)
                .forAll(longs().all(), integers().between(10, 220))
                .checkAssert((seed, steps) -> new ClusterScenario(settings, seed).run(steps, coverage));
        }
        System.out.printf("differential, IPVS profile: %d scenarios, %d packets; paths %s%n", coverage.scenarios,
            coverage.packets, coverage.paths);
        assertTrue(coverage.paths.getOrDefault("new-flow", 0L) > 0, coverage.paths.toString());
        assertTrue(coverage.paths.getOrDefault("reject-no-destination", 0L) > 0, "sh met a draining destination");
        assertEquals(0L, coverage.paths.getOrDefault("drop-no-local-endpoints", 0L), "IPVS falls back, never drops");
    }

    @Test
    void ipv4MappedServiceAddressDoesNotCaptureIpv4Traffic()
    {
        final ControlPlane controlPlane = new ControlPlane("node-a", List.of(), "rr", 1);
        final ReferenceModel model = new ReferenceModel("node-a", List.of(), ClassifierConfig.defaults());
        final ServiceSpec service = ServiceSpec.clusterIp("default", "v6", "::ffff:10.96.0.1",
            new ServicePortSpec("http", 80, Protocol.TCP, 0));
        final EndpointSliceSpec slice = new EndpointSliceSpec("default", "v6-1", "v6", true,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), List.of(EndpointSpec.ready("fd00:244::1", "")));
        controlPlane.upsertService(service);
        controlPlane.upsertSlice(slice);
        controlPlane.publish();
        model.upsertService(service);
        model.upsertSlice(slice);
        try (Classifier classifier = new Classifier(controlPlane,
            ClassifierConfig.defaults().withConnectionCapacity(1024).withAffinityCapacity(64)))
        {
            final PacketTuple t = OracleFixtures.tcp("10.1.0.5", 40000, "10.96.0.1", 80, OracleFixtures.SYN);
            final Decision d = new Decision();
            final Expectation e = model.expect(t, 0);
            classifier.classify(t, 0, d);
            assertNull(e.check(d));
        }
    }

    /**
     * docs/SEMANTICS-CHOICES.md "Churn": an SCTP association whose backend was removed follows the removed-backend
     * policy like TCP, and the sweeper purges UDP entries only, so the decision for the next DATA chunk is the same
     * whether or not the sweeper has reached the slot. Regression: SCTP entries used to be purged by the sweeper,
     * after which the chunk met the mid-flow policy instead.
     */
    @Test
    void sweptSctpFlowOfRemovedBackendIsRescheduledAsAnUnsweptOne()
    {
        final ServiceSpec service = ServiceSpec.clusterIp("default", "assoc", "10.96.0.9",
            new ServicePortSpec("assoc", 9, Protocol.SCTP, 0));
        final List<EndpointPortSpec> ports = List.of(new EndpointPortSpec("assoc", 9999, Protocol.SCTP));
        final EndpointSliceSpec onlyA = new EndpointSliceSpec("default", "assoc-1", "assoc", false, ports,
            List.of(EndpointSpec.ready("10.244.0.1", "")));
        final EndpointSliceSpec onlyB = new EndpointSliceSpec("default", "assoc-1", "assoc", false, ports,
            List.of(EndpointSpec.ready("10.244.0.2", "")));
        final ClassifierConfig config = ClassifierConfig.defaults().withConnectionCapacity(1024)
            .withAffinityCapacity(64).withMidFlowPolicy(MidFlowPolicy.PASS);
        for (final boolean swept : new boolean[] {false, true})
        {
            final ControlPlane controlPlane = new ControlPlane("node-a", List.of(), "rr", 1);
            final ReferenceModel model = new ReferenceModel("node-a", List.of(), config);
            controlPlane.upsertService(service);
            controlPlane.upsertSlice(onlyA);
            controlPlane.publish();
            model.upsertService(service);
            model.upsertSlice(onlyA);
            try (Classifier classifier = new Classifier(controlPlane, config))
            {
                final Decision d = new Decision();
                final PacketTuple init = OracleFixtures.sctp("10.1.0.5", 40000, "10.96.0.9", 9, PacketTuple.SCTP_INIT);
                final Expectation opened = model.expect(init, 0);
                classifier.classify(init, 0, d);
                assertNull(opened.check(d));
                model.commit(opened, d);

                // The backend leaves the slice; the association's next DATA chunk comes a second later.
                controlPlane.upsertSlice(onlyB);
                controlPlane.publish();
                model.upsertSlice(onlyB);
                if (swept)
                {
                    classifier.sweep(OracleFixtures.SECOND, classifier.connections().slotCount());
                }
                final PacketTuple data = OracleFixtures.sctp("10.1.0.5", 40000, "10.96.0.9", 9, 0);
                final Expectation e = model.expect(data, OracleFixtures.SECOND);
                classifier.classify(data, OracleFixtures.SECOND, d);
                assertNull(e.check(d), "swept=" + swept);
            }
        }
    }
}
