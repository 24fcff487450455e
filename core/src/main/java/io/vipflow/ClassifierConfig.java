package io.vipflow;

import io.vipflow.conntrack.ConnTimeouts;

/**
 * Settings of a {@link Classifier}. Immutable; built with the {@code with*} methods.
 *
 * @param connectionCapacity   flows the connection table holds
 * @param affinityCapacity     session-affinity records the affinity table holds
 * @param timeouts             per-state connection timeouts
 * @param midFlowPolicy        handling of mid-flow packets without an entry
 * @param removedBackendPolicy handling of TCP flows whose backend was removed
 * @param newFlowsPerSecond    admission limit on new flows per second (0: none); beyond it new flows are dropped
 *                             with reason {@code rate-limited}
 * @param newFlowBurst         new flows admitted at once after a quiet period
 */
public record ClassifierConfig(int connectionCapacity, int affinityCapacity, ConnTimeouts timeouts,
    MidFlowPolicy midFlowPolicy, RemovedBackendPolicy removedBackendPolicy, long newFlowsPerSecond,
    long newFlowBurst)
{
    public static ClassifierConfig defaults()
    {
        return new ClassifierConfig(1 << 20, 1 << 16, ConnTimeouts.ipvsDefaults(), MidFlowPolicy.SCHEDULE,
            RemovedBackendPolicy.DROP, 0, 1);
    }

    public ClassifierConfig withConnectionCapacity(final int capacity)
    {
        return new ClassifierConfig(capacity, affinityCapacity, timeouts, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    public ClassifierConfig withAffinityCapacity(final int capacity)
    {
        return new ClassifierConfig(connectionCapacity, capacity, timeouts, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    public ClassifierConfig withTimeouts(final ConnTimeouts t)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, t, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    public ClassifierConfig withMidFlowPolicy(final MidFlowPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, p, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    public ClassifierConfig withRemovedBackendPolicy(final RemovedBackendPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, midFlowPolicy, p,
            newFlowsPerSecond, newFlowBurst);
    }

    /** Limits new flows to {@code perSecond} (0: no limit) with bursts of {@code burst}. */
    public ClassifierConfig withNewFlowLimit(final long perSecond, final long burst)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, midFlowPolicy,
            removedBackendPolicy, perSecond, burst);
    }
}
