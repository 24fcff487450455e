package io.vipflow.harness.k8s;

import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

import java.util.List;

/**
 * The Services and EndpointSlices read from one file, in file order.
 * <p>
 * Thread contract: immutable.
 *
 * @param services the {@code v1 Service} objects.
 * @param slices   the {@code discovery.k8s.io/v1 EndpointSlice} objects with addressType IPv4 or IPv6.
 * @param skipped  objects that were read but not converted: other kinds (Pods, ConfigMaps, ...) and FQDN slices.
 */
public record ClusterObjects(List<ServiceSpec> services, List<EndpointSliceSpec> slices, int skipped)
{
    public ClusterObjects
    {
        services = List.copyOf(services);
        slices = List.copyOf(slices);
        if (skipped < 0)
        {
            throw new IllegalArgumentException("skipped " + skipped + " < 0");
        }
    }
}
