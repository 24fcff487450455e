package io.vipflow.sched;

import io.vipflow.internal.FlowHash;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Seeded pseudo-random numbers shared by the data-plane threads of one scheduler: a SplitMix64 sequence advanced
 * with one atomic add per draw, so that a single-threaded replay is repeatable and concurrent threads never
 * draw the same number. Any thread; no allocation.
 */
final class RandomDraws
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final AtomicLong sequence;

    RandomDraws(final long seed)
    {
        this.sequence = new AtomicLong(seed);
    }

    /** 64 random bits. */
    long next()
    {
        return FlowHash.mix(sequence.addAndGet(GOLDEN_GAMMA));
    }

    /** Maps 32 random bits onto [0, bound) by multiply-shift (Lemire), as {@code get_random_u32_below} does. */
    static int below(final int random32, final int bound)
    {
        return (int)(((random32 & 0xFFFF_FFFFL) * bound) >>> 32);
    }
}
