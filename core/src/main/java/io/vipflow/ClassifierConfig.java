package io.vipflow;

import io.vipflow.conntrack.ConnTimeouts;

/**
 * Settings of a {@link Classifier}. Immutable; built with the {@code with*} methods.
 *
 * @param connectionCapacity flows the connection table holds
 * @param affinityCapacity   session-affinity records the affinity table holds
 * @param timeouts           per-state connection timeouts
 * @param midFlowPolicy      handling of mid-flow packets without an entry
 * @param removedBackendPolicy handling of TCP flows whose backend was removed
 */
public record ClassifierConfig(int connectionCapacity, int affinityCapacity, ConnTimeouts timeouts,
    MidFlowPolicy midFlowPolicy, RemovedBackendPolicy removedBackendPolicy)
{
    public static ClassifierConfig defaults()
    {
        return new ClassifierConfig(1 << 20, 1 << 16, ConnTimeouts.ipvsDefaults(), MidFlowPolicy.SCHEDULE,
            RemovedBackendPolicy.DROP);
    }

    public ClassifierConfig withConnectionCapacity(final int capacity)
    {
        return new ClassifierConfig(capacity, affinityCapacity, timeouts, midFlowPolicy, removedBackendPolicy);
    }

    public ClassifierConfig withAffinityCapacity(final int capacity)
    {
        return new ClassifierConfig(connectionCapacity, capacity, timeouts, midFlowPolicy, removedBackendPolicy);
    }

    public ClassifierConfig withTimeouts(final ConnTimeouts t)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, t, midFlowPolicy, removedBackendPolicy);
    }

    public ClassifierConfig withMidFlowPolicy(final MidFlowPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, p, removedBackendPolicy);
    }

    public ClassifierConfig withRemovedBackendPolicy(final RemovedBackendPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, midFlowPolicy, p);
    }
}
