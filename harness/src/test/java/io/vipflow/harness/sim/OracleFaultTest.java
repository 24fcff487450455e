package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.harness.report.SchedulerRun;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OracleFaultTest
{
    /**
     * A broken data plane: now and then an established TCP packet is decided by a second classifier that has no
     * entry for the flow, so it lands on whatever backend round robin gives next.
     */
    private static final class FlippingStep implements ClassifyStep
    {
        private final Map<ControlPlane, Classifier> shadows = new IdentityHashMap<>();
        private long packets;
        private long flipped;

        @Override
        public void classify(final Classifier classifier, final PacketTuple t, final long now,
            final io.vipflow.Decision d)
        {
            final boolean midFlow = t.protocol == PacketTuple.PROTO_TCP && (t.flags & PacketTuple.TCP_SYN) == 0;
            if (midFlow && ++packets % 200 == 0)
            {
                flipped++;
                shadows.computeIfAbsent(classifier.controlPlane(),
                    cp -> new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1 << 16)))
                    .classify(t, now, d);
                return;
            }
            classifier.classify(t, now, d);
        }
    }

    @Test
    void aFlippedBackendIsReportedByKind() throws Exception
    {
        final FlippingStep faulty = new FlippingStep();
        final SchedulerRun run = Simulation.run(Simulation.Options.of(SimTests.shipped("crash-loop", "rr"))
            .withPackets(30_000).withStep(faulty).withWarmup(0)).runs().get(0);   // flips counted in the run alone
        assertTrue(faulty.flipped > 20);
        assertTrue(run.oracleViolations() >= faulty.flipped / 2, run.oracleViolations() + " of " + faulty.flipped);
        assertTrue(run.violationsByKind().getOrDefault("backend", 0L) > 0, run.violationsByKind().toString());
        assertEquals(run.oracleViolations(), run.violationsByKind().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(Simulation.EXAMPLES, run.firstViolations().size());
        assertTrue(run.firstViolations().get(0).startsWith("packet "), run.firstViolations().get(0));
    }
}
