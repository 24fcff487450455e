package io.vipflow.harness.sched;

import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.k8s.KubeFormatException;
import io.vipflow.harness.k8s.KubeObjectReader;
import io.vipflow.service.ServiceSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Service annotations vipflow.io/scheduler and vipflow.io/scheduler-flags. */
class SchedulerAnnotationTest
{
    private static String service(final String annotations)
    {
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              annotations:
            %s
            spec:
              clusterIP: 10.96.0.20
              ports:
              - port: 80
            """.formatted(annotations);
    }

    @Test
    void schedulerAndFlagsAreRead() throws KubeFormatException
    {
        final ClusterObjects objects = KubeObjectReader.parse("cluster.yaml",
            service("    vipflow.io/scheduler: mh\n    vipflow.io/scheduler-flags: \"mh-fallback, table-size=65521\""));
        final ServiceSpec web = objects.services().get(0);
        assertEquals("mh", web.scheduler());
        assertEquals("mh-fallback, table-size=65521", web.schedulerFlags());
        final ServiceSpec plain = KubeObjectReader.parse("c.yaml", service("    x: y")).services().get(0);
        assertNull(plain.scheduler());
        assertNull(plain.schedulerFlags());
    }

    @Test
    void badValuesNameTheFileAndPosition()
    {
        final KubeFormatException unknown = assertThrows(KubeFormatException.class, () -> KubeObjectReader.parse(
            "cluster.yaml", service("    vipflow.io/scheduler: lottery")));
        assertTrue(unknown.getMessage().startsWith("cluster.yaml: document 1, line 7, column 27: "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("vipflow.io/scheduler") &&
            unknown.getMessage().contains("'lottery' is not a scheduler"), unknown.getMessage());

        final KubeFormatException flag = assertThrows(KubeFormatException.class, () -> KubeObjectReader.parse(
            "cluster.yaml", service("    vipflow.io/scheduler: sh\n    vipflow.io/scheduler-flags: sh-portt")));
        assertTrue(flag.getMessage().startsWith("cluster.yaml: document 1, line 8, column 33: "), flag.getMessage());
        assertTrue(flag.getMessage().contains("vipflow.io/scheduler-flags") &&
            flag.getMessage().contains("valid: sh-fallback, sh-port"), flag.getMessage());

        final KubeFormatException orphan = assertThrows(KubeFormatException.class, () -> KubeObjectReader.parse(
            "cluster.yaml", service("    vipflow.io/scheduler-flags: sh-port")));
        assertTrue(orphan.getMessage().contains("needs"), orphan.getMessage());
    }
}
