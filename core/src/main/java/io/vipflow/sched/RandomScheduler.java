package io.vipflow.sched;

import io.vipflow.conntrack.FlowHash;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A uniformly random backend per new flow: what kube-proxy's iptables mode ({@code statistic --mode random
 * --probability 1/(n-i)}) and nftables mode ({@code numgen random mod n}) do. The numbers come from a seeded
 * SplitMix64 sequence so that a single-threaded replay is repeatable.
 */
public final class RandomScheduler implements Scheduler
{
    private final AtomicLong sequence;
    private final int size;

    RandomScheduler(final int size, final long seed)
    {
        this.size = size;
        this.sequence = new AtomicLong(seed);
    }

    @Override
    public int pick(final long flowHash)
    {
        final long next = FlowHash.mix(sequence.addAndGet(0x9E3779B97F4A7C15L));
        // Lemire's multiply-shift: an unbiased-enough map of 32 random bits onto [0, size).
        return (int)(((next >>> 32) * size) >>> 32);
    }

    @Override
    public String name()
    {
        return "random";
    }
}
