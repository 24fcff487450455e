package io.vipflow.harness.gen;

import io.vipflow.testkit.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.harness.report.ChurnMark;
import io.vipflow.service.ServiceSpec;

import java.util.List;

/**
 * A generated cluster and its churn, in the same shapes a captured cluster file and churn file are read into, so
 * both flow through one code path ({@code ClusterApplier}).
 * <p>
 * Thread contract: immutable.
 *
 * @param initial  Services and EndpointSlices at time 0.
 * @param events   changes in time order, as a watch would deliver them.
 * @param marks    one entry per instant at which something changed, describing it for a person.
 * @param services every Service of the run (present at the start or added later), in declaration order: the
 *                 traffic generator's targets.
 */
public record GeneratedCluster(ClusterObjects initial, List<ChurnEvent> events, List<ChurnMark> marks,
    List<ServiceSpec> services)
{
    public GeneratedCluster
    {
        events = List.copyOf(events);
        marks = List.copyOf(marks);
        services = List.copyOf(services);
    }
}
