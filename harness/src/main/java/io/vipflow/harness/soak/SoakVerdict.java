package io.vipflow.harness.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges a soak: it passes when the reference model agreed with every decision, the counters never disagreed and
 * neither heap nor off-heap memory grew after warm-up.
 * <p>
 * Warm-up is the rounds of the first fifth of the run (at least {@link #MIN_WARMUP_ROUNDS}): the JIT, class loading
 * and the first full table settle there. Tolerances: heap after GC may rise 4 MiB or 10 %, direct and mapped memory
 * 1 MiB or 5 % (they are allocated at start and should not move at all).
 * <p>
 * Thread contract: immutable; any thread.
 *
 * @param trends  the memory trend checks.
 * @param reasons why the soak failed; empty when it passed.
 */
public record SoakVerdict(List<TrendCheck.Result> trends, List<String> reasons)
{
    public static final int MIN_WARMUP_ROUNDS = 2;
    static final long MIB = 1L << 20;

    /** @return true when nothing was found wrong. */
    public boolean passed()
    {
        return reasons.isEmpty();
    }

    /**
     * @param totals        what the soak counted.
     * @param durationNanos the run's planned duration, which places the end of warm-up.
     */
    public static SoakVerdict of(final SoakTotals totals, final long durationNanos)
    {
        final List<Soak.Round> rounds = totals.rounds();
        int warmup = 0;
        while (warmup < rounds.size() && rounds.get(warmup).elapsedNanos() < durationNanos / 5)
        {
            warmup++;
        }
        warmup = Math.max(MIN_WARMUP_ROUNDS, warmup);
        final List<TrendCheck.Result> trends = List.of(
            new TrendCheck("heap after GC (bytes)", warmup, 4 * MIB, 0.10)
                .check(rounds.stream().map(r -> r.memory().heapUsedBytes()).toList()),
            new TrendCheck("direct buffers (bytes)", warmup, MIB, 0.05)
                .check(rounds.stream().map(r -> r.memory().directBytes()).toList()),
            new TrendCheck("mapped buffers (bytes)", warmup, MIB, 0.05)
                .check(rounds.stream().map(r -> r.memory().mappedBytes()).toList()));
        return judge(trends, totals.oracleViolations(), totals.counterViolations());
    }

    /** The rules, apart from how the figures were gathered, so that a test can feed them failures. */
    static SoakVerdict judge(final List<TrendCheck.Result> trends, final long oracleViolations,
        final long counterViolations)
    {
        final List<String> reasons = new ArrayList<>();
        for (final TrendCheck.Result t : trends)
        {
            if (t.grew())
            {
                reasons.add("memory grows: " + t);
            }
            else if (t.inconclusive())
            {
                reasons.add("too short to judge memory: " + t);
            }
        }
        if (oracleViolations != 0)
        {
            reasons.add(oracleViolations + " decisions the reference model disagrees with");
        }
        if (counterViolations != 0)
        {
            reasons.add(counterViolations + " counter disagreements");
        }
        return new SoakVerdict(trends, List.copyOf(reasons));
    }
}
