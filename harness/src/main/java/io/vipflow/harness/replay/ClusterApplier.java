package io.vipflow.harness.replay;

import io.vipflow.harness.k8s.ChurnEvent;
import io.vipflow.harness.k8s.ClusterObjects;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

/**
 * Feeds converted Kubernetes objects to a {@link ControlPlane}: the initial cluster, then churn events one by
 * one. Control-plane thread only; the caller publishes.
 */
public final class ClusterApplier
{
    private ClusterApplier()
    {
    }

    public static void applyAll(final ControlPlane cp, final ClusterObjects objects)
    {
        for (final ServiceSpec s : objects.services())
        {
            cp.upsertService(s);
        }
        for (final EndpointSliceSpec e : objects.slices())
        {
            cp.upsertSlice(e);
        }
    }

    /** ADDED and MODIFIED upsert, DELETED removes; a change with no convertible object is ignored. */
    public static void apply(final ControlPlane cp, final ChurnEvent event)
    {
        final boolean service = event.kind() == ChurnEvent.Kind.SERVICE;
        if (event.type() == ChurnEvent.Type.DELETED)
        {
            if (service)
            {
                cp.deleteService(event.namespace(), event.name());
            }
            else
            {
                cp.deleteSlice(event.namespace(), event.name());
            }
            return;
        }
        if (service && event.service() != null)
        {
            cp.upsertService(event.service());
        }
        else if (!service && event.slice() != null)
        {
            cp.upsertSlice(event.slice());
        }
    }
}
