package io.vipflow.harness.gen;

import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ChurnReader;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.k8s.KubeObjectReader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

class KubeJsonTest
{
    /** Generated objects, written as the API server serves them, convert back to themselves through the readers. */
    @Test
    void generatedObjectsConvertThroughTheKubernetesReaders()
    {
        qt().withExamples(40).forAll(Generators.generatedClusters()).checkAssert(cluster ->
        {
            final ClusterObjects initial = cluster.initial();
            try
            {
                final ClusterObjects read = KubeObjectReader.parse("cluster.json", KubeJson.clusterFile(initial));
                assertEquals(initial.services(), read.services());
                assertEquals(initial.slices(), read.slices());
                assertEquals(0, read.skipped());
                final List<ChurnEvent> events = ChurnReader.parse("churn.jsonl",
                    KubeJson.churnFile(cluster.events(), initial.slices()));
                assertEquals(cluster.events(), events);
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        });
    }
}
