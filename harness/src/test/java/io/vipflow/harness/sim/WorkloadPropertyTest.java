package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.harness.gen.ClusterGenerator;
import io.vipflow.harness.gen.Generators;
import io.vipflow.harness.replay.ClusterApplier;
import io.vipflow.service.ControlPlane;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/** The README's property-test example, with vipflow's own classifier as the proxy under test. */
class WorkloadPropertyTest
{
    @Test
    void vipflowPassesItsOwnPropertyTest()
    {
        qt().withExamples(12).forAll(Generators.workloads()).checkAssert(w ->
        {
            final ControlPlane cp = new ControlPlane(ClusterGenerator.BALANCER_NODE,
                List.of(ClusterGenerator.BALANCER_NODE_IP), "random", 1);
            ClusterApplier.applyAll(cp, w.cluster().initial());
            cp.publish();
            try (Classifier proxy = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1 << 16)))
            {
                final Decision d = new Decision();
                final long played = w.play(e ->
                {
                    ClusterApplier.apply(cp, e);
                    cp.publish();
                }, (packet, nanos, expected) ->
                {
                    proxy.classify(packet, nanos, d);
                    assertNull(expected.check(d));
                    final String backend = d.verdict() == Verdict.DNAT ? d.backend().name : null;
                    assertEquals(expected.verdict() == Verdict.DNAT, backend != null, expected::toString);
                    assertTrue(backend == null || expected.allowedBackends().contains(backend), expected::toString);
                    return backend;
                });
                assertTrue(played > 0);
            }
        });
    }
}
