package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * Power-of-two-choices least request (Envoy's {@code LEAST_REQUEST} with {@code choice_count} 2): draw
 * {@code choices} destinations at random and keep the one with the fewest open connections per unit of weight
 * ({@code (active + inactive) / weight}, compared by cross-multiplication; ties keep the earlier draw). Draws
 * are uniform when all weights are equal, as in Envoy, and proportional to weight otherwise (Envoy switches to
 * an earliest-deadline-first schedule there, which needs a lock).
 * <p>
 * Concurrency: draws come from a seeded sequence shared by all threads (one atomic add per two choices);
 * counters are opaque loads. No allocation.
 */
final class LeastRequestScheduler implements Scheduler
{
    private final RandomDraws draws;
    private final int choices;
    private final int[] eligible;
    private final int[] weights;
    private final ConnCounters[] counters;
    /** Running sums of the weights, or null when all are equal. */
    private final int[] cumulative;

    private LeastRequestScheduler(final List<Destination> destinations, final int choices, final RandomDraws draws)
    {
        this.draws = draws;
        this.choices = choices;
        this.eligible = Weights.positiveIndexes(destinations);
        this.weights = new int[eligible.length];
        this.counters = new ConnCounters[eligible.length];
        boolean equal = true;
        for (int i = 0; i < eligible.length; i++)
        {
            weights[i] = destinations.get(eligible[i]).weight();
            counters[i] = destinations.get(eligible[i]).counters();
            equal &= weights[i] == weights[0];
        }
        Weights.positiveSum(weights);
        if (equal)
        {
            this.cumulative = null;
        }
        else
        {
            this.cumulative = new int[weights.length];
            int sum = 0;
            for (int i = 0; i < weights.length; i++)
            {
                sum += weights[i];
                cumulative[i] = sum;
            }
        }
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final int choices,
        final long seed)
    {
        final RandomDraws draws = previous instanceof LeastRequestScheduler ?
            ((LeastRequestScheduler)previous).draws : new RandomDraws(seed);
        return new LeastRequestScheduler(destinations, choices, draws);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int n = eligible.length;
        if (n == 0)
        {
            return -1;
        }
        int best = -1;
        long bestLoad = 0;
        long random = 0;
        for (int k = 0; k < choices; k++)
        {
            if ((k & 1) == 0)
            {
                random = draws.next();
            }
            final int r = (k & 1) == 0 ? (int)random : (int)(random >>> 32);
            final int i = cumulative == null ? RandomDraws.below(r, n) : weighted(r);
            final ConnCounters c = counters[i];
            final long load = c.active() + c.inactive();
            if (best < 0 || load * weights[best] < bestLoad * weights[i])
            {
                best = i;
                bestLoad = load;
            }
        }
        return eligible[best];
    }

    private int weighted(final int random32)
    {
        final int[] cum = cumulative;
        final int target = RandomDraws.below(random32, cum[cum.length - 1]);
        int lo = 0;
        int hi = cum.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cum[mid] > target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public String name()
    {
        return "least-request";
    }
}
