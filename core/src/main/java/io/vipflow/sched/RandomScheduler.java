package io.vipflow.sched;

import io.vipflow.conntrack.FlowHash;
import io.vipflow.packet.PacketTuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A uniformly random destination with weight above 0 per new flow: what kube-proxy's iptables mode
 * ({@code statistic --mode random --probability 1/(n-i)}) and nftables mode ({@code numgen random mod n}) do.
 * The numbers come from a seeded SplitMix64 sequence so that a single-threaded replay is repeatable.
 */
public final class RandomScheduler implements Scheduler
{
    private final AtomicLong sequence;
    private final int[] eligible;

    RandomScheduler(final List<Destination> destinations, final long seed)
    {
        this.eligible = Weights.positiveIndexes(destinations);
        this.sequence = new AtomicLong(seed);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int[] e = eligible;
        if (e.length == 0)
        {
            return -1;
        }
        final long next = FlowHash.mix(sequence.addAndGet(0x9E3779B97F4A7C15L));
        // Lemire's multiply-shift maps 32 random bits onto [0, n).
        return e[(int)(((next >>> 32) * e.length) >>> 32)];
    }

    @Override
    public String name()
    {
        return "random";
    }
}
