package io.vipflow;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnTimeouts;

/**
 * Settings of a {@link Classifier}. Immutable; built with the {@code with*} methods.
 * <p>
 * Memory: the connection table and the affinity table are off-heap (direct memory, or the mapped file for a table
 * of {@code ConnTable.mapped}) and reserved whole when the classifier is built: 96 bytes per flow of capacity
 * (72 bytes per slot, a quarter of the slots kept free), so {@link #offHeapBytes()} is about
 * {@code 96 × (connectionCapacity + affinityCapacity)}. The defaults suit a small service, 6.4 MiB in all; raise
 * the capacities for a busy proxy (a million flows take 96 MB, which needs
 * {@code -XX:MaxDirectMemorySize} at least that large when the heap is small).
 *
 * @param connectionCapacity   flows the connection table holds (default 65,536: 6.0 MiB)
 * @param affinityCapacity     session-affinity records the affinity table holds (default 4,096: 384 KiB)
 * @param timeouts             per-state connection timeouts (default: IPVS's)
 * @param midFlowPolicy        handling of mid-flow packets without an entry (default: schedule them)
 * @param removedBackendPolicy handling of TCP flows whose backend was removed (default: drop them)
 * @param newFlowsPerSecond    admission limit on new flows per second (0, the default: none); beyond it new flows are
 *                             dropped with reason {@code rate-limited}
 * @param newFlowBurst         new flows admitted at once after a quiet period
 */
public record ClassifierConfig(int connectionCapacity, int affinityCapacity, ConnTimeouts timeouts,
    MidFlowPolicy midFlowPolicy, RemovedBackendPolicy removedBackendPolicy, long newFlowsPerSecond,
    long newFlowBurst)
{
    /** Flows of the default connection table. */
    public static final int DEFAULT_CONNECTION_CAPACITY = 1 << 16;
    /** Records of the default affinity table. */
    public static final int DEFAULT_AFFINITY_CAPACITY = 1 << 12;

    /**
     * Settings for a small service: {@link #DEFAULT_CONNECTION_CAPACITY} flows, {@link #DEFAULT_AFFINITY_CAPACITY}
     * affinity records, IPVS timeouts, mid-flow packets scheduled, flows of removed backends dropped, no admission
     * limit.
     *
     * @return the default settings
     */
    public static ClassifierConfig defaults()
    {
        return new ClassifierConfig(DEFAULT_CONNECTION_CAPACITY, DEFAULT_AFFINITY_CAPACITY,
            ConnTimeouts.ipvsDefaults(), MidFlowPolicy.SCHEDULE, RemovedBackendPolicy.DROP, 0, 1);
    }

    /**
     * Off-heap bytes a classifier with these settings reserves: its connection table (unless one is given to it)
     * and its affinity table.
     *
     * @return bytes of direct memory
     */
    public long offHeapBytes()
    {
        return ConnTable.bytesFor(connectionCapacity) + ConnTable.bytesFor(affinityCapacity);
    }

    /**
     * @param capacity flows the connection table holds
     * @return these settings with that capacity
     */
    public ClassifierConfig withConnectionCapacity(final int capacity)
    {
        return new ClassifierConfig(capacity, affinityCapacity, timeouts, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    /**
     * @param capacity session-affinity records the affinity table holds
     * @return these settings with that capacity
     */
    public ClassifierConfig withAffinityCapacity(final int capacity)
    {
        return new ClassifierConfig(connectionCapacity, capacity, timeouts, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    /**
     * @param t per-state connection timeouts
     * @return these settings with those timeouts
     */
    public ClassifierConfig withTimeouts(final ConnTimeouts t)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, t, midFlowPolicy, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    /**
     * @param p handling of mid-flow packets without an entry
     * @return these settings with that policy
     */
    public ClassifierConfig withMidFlowPolicy(final MidFlowPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, p, removedBackendPolicy,
            newFlowsPerSecond, newFlowBurst);
    }

    /**
     * @param p handling of TCP flows whose backend was removed
     * @return these settings with that policy
     */
    public ClassifierConfig withRemovedBackendPolicy(final RemovedBackendPolicy p)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, midFlowPolicy, p,
            newFlowsPerSecond, newFlowBurst);
    }

    /**
     * Limits new flows to {@code perSecond} (0: no limit) with bursts of {@code burst}.
     *
     * @param perSecond new flows admitted per second, 0 for no limit
     * @param burst     new flows admitted at once after a quiet period
     * @return these settings with that limit
     */
    public ClassifierConfig withNewFlowLimit(final long perSecond, final long burst)
    {
        return new ClassifierConfig(connectionCapacity, affinityCapacity, timeouts, midFlowPolicy,
            removedBackendPolicy, perSecond, burst);
    }
}
