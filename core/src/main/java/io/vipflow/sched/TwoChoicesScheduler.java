package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code twos} ({@code ip_vs_twos.c}, {@code ip_vs_twos_schedule}): two weighted random choices, keep the one
 * with the lower {@code overhead / weight}. As in the kernel, each draw is uniform over
 * {@code [0, total weight]} and walks the list subtracting weights until it reaches 0 or below, so the first
 * destination is drawn with probability {@code (w + 1) / (total + 1)}; the second choice wins only when
 * {@code w2 · oh1 > w1 · oh2}.
 * <p>
 * Concurrency: both draws come from one 64-bit number of a seeded sequence shared by all threads (one atomic
 * add per pick); counters are opaque loads. No allocation; at most one pass over the list.
 */
final class TwoChoicesScheduler extends IpvsScheduler
{
    private final RandomDraws draws;
    private final int total;

    private TwoChoicesScheduler(final IpvsList list, final RandomDraws draws)
    {
        super(list);
        this.draws = draws;
        this.total = Weights.positiveSum(list.weight);
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final long seed)
    {
        final RandomDraws draws = previous instanceof TwoChoicesScheduler ?
            ((TwoChoicesScheduler)previous).draws : new RandomDraws(seed);
        return new TwoChoicesScheduler(IpvsList.build(destinations, IpvsList.of(previous)), draws);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        if (total == 0)
        {
            return -1;
        }
        final int[] w = weight;
        final ConnCounters[] c = counters;
        final long random = draws.next();
        int r1 = RandomDraws.below((int)random, total + 1);
        int r2 = RandomDraws.below((int)(random >>> 32), total + 1);
        int choice1 = -1;
        int choice2 = -1;
        long oh1 = 0;
        long oh2 = 0;
        for (int p = 0; p < w.length; p++)
        {
            final int wp = w[p];
            if (wp <= 0)
            {
                continue;
            }
            r1 -= wp;
            r2 -= wp;
            if (r1 <= 0 && choice1 < 0)
            {
                choice1 = p;
                oh1 = c[p].overhead();
            }
            if (r2 <= 0 && choice2 < 0)
            {
                choice2 = p;
                oh2 = c[p].overhead();
            }
            if (choice1 >= 0 && choice2 >= 0)
            {
                break;
            }
        }
        if ((long)w[choice2] * oh1 > (long)w[choice1] * oh2)
        {
            choice1 = choice2;
        }
        return index[choice1];
    }

    @Override
    public String name()
    {
        return "twos";
    }
}
