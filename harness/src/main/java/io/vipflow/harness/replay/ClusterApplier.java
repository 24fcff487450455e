package io.vipflow.harness.replay;

import io.vipflow.testkit.ChurnEvent;
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
        event.applyTo(cp);
    }
}
