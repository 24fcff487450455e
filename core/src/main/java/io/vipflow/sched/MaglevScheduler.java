package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Maglev consistent hashing: a flow goes to {@code table[flowHash mod M]}. The table holds the destinations with
 * weight above 0, sorted by name whatever the order they arrive in, so the same backends give the same table on
 * every instance and a flow keeps its backend when another balancer instance receives it. Weights follow Katran
 * V2 / Envoy ({@link MaglevTable}).
 * <p>
 * Building: on the control plane, when the factory is called; the new scheduler is published with the snapshot
 * (one volatile store), so readers see the old table or the new one, never a mix. A list whose eligible names and
 * weights are unchanged reuses the previous table outright; otherwise the permutations (offset, skip) of the
 * backends that stayed are reused and only the fill runs again, O(M log M) expected. An exact incremental
 * fill does not exist for Maglev: the turn order couples every backend's claims.
 * <p>
 * Concurrency: immutable after construction; {@link #pick} is one remainder and two array loads, allocation-free,
 * safe from any number of threads.
 * <p>
 * Not API (docs/API.md): choose it by name ({@code maglev}) through {@link Schedulers}; public for
 * the Maglev build benchmark. It stays in this package: it builds on {@link MaglevTable}'s package-private
 * permutation steps and the package's weight helper.
 * @hidden
 */
public final class MaglevScheduler implements Scheduler
{
    private final String[] names;
    private final int[] weights;
    private final int[] offsets;
    private final int[] skips;
    private final char[] table;
    private final int[] toDestination;
    private final int permutationsComputed;

    private MaglevScheduler(final String[] names, final int[] weights, final int[] offsets, final int[] skips,
        final char[] table, final int[] toDestination, final int permutationsComputed)
    {
        this.names = names;
        this.weights = weights;
        this.offsets = offsets;
        this.skips = skips;
        this.table = table;
        this.toDestination = toDestination;
        this.permutationsComputed = permutationsComputed;
    }

    /**
     * Builds a table of {@code forcedSize} slots (a prime), or, with 0, of the size {@link MaglevTable#sizeFor}
     * gives for the eligible destinations, reusing what {@code previous} allows.
     *
     * @param destinations every listed backend, ordered by name; quiesced ones have weight 0
     * @param forcedSize   the table size, or 0 to choose it
     * @param previous     the scheduler this one replaces, or null
     * @return the scheduler
     */
    public static MaglevScheduler create(final List<Destination> destinations, final int forcedSize,
        final Scheduler previous)
    {
        if (forcedSize != 0)
        {
            MaglevTable.requirePrime(forcedSize);
        }
        final int[] order = byName(destinations, Weights.positiveIndexes(destinations));
        final int n = order.length;
        final String[] names = new String[n];
        final int[] weights = new int[n];
        for (int r = 0; r < n; r++)
        {
            names[r] = destinations.get(order[r]).name();
            weights[r] = destinations.get(order[r]).weight();
        }
        if (n == 0)
        {
            return new MaglevScheduler(names, weights, new int[0], new int[0], null, order, 0);
        }
        if (n > MaglevTable.MAX_BACKENDS)
        {
            throw new IllegalArgumentException("Maglev indexes at most " + MaglevTable.MAX_BACKENDS + " backends");
        }
        final int size = forcedSize != 0 ? forcedSize :
            MaglevTable.sizeFor(n, previous instanceof MaglevScheduler ? ((MaglevScheduler)previous).size() : 0);
        final MaglevScheduler p = previous instanceof MaglevScheduler && ((MaglevScheduler)previous).table != null &&
            ((MaglevScheduler)previous).table.length == size ? (MaglevScheduler)previous : null;
        if (p != null && Arrays.equals(p.names, names) && Arrays.equals(p.weights, weights))
        {
            return new MaglevScheduler(p.names, p.weights, p.offsets, p.skips, p.table, order, 0);
        }
        final int[] offsets = new int[n];
        final int[] skips = new int[n];
        int computed = 0;
        int q = 0;
        for (int r = 0; r < n; r++)
        {
            // Both name lists are sorted: walk the previous one alongside to reuse permutations.
            while (p != null && q < p.names.length && p.names[q].compareTo(names[r]) < 0)
            {
                q++;
            }
            if (p != null && q < p.names.length && p.names[q].equals(names[r]))
            {
                offsets[r] = p.offsets[q];
                skips[r] = p.skips[q];
            }
            else
            {
                offsets[r] = MaglevTable.offset(names[r], size);
                skips[r] = MaglevTable.skip(names[r], size);
                computed++;
            }
        }
        final int[] w = Weights.max(weights) == Arrays.stream(weights).min().orElse(0) ? null : weights;
        return new MaglevScheduler(names, weights, offsets, skips, MaglevTable.populate(offsets, skips, w, size),
            order, computed);
    }

    /**
     * The indexes in name order. Callers usually hand the destinations over sorted already (the control plane
     * does), which one pass confirms without the boxed sort.
     */
    private static int[] byName(final List<Destination> destinations, final int[] indexes)
    {
        for (int r = 1; r < indexes.length; r++)
        {
            if (destinations.get(indexes[r - 1]).name().compareTo(destinations.get(indexes[r]).name()) >= 0)
            {
                final Integer[] order = IntStream.of(indexes).boxed().toArray(Integer[]::new);
                Arrays.sort(order, Comparator.comparing(i -> destinations.get(i).name()));
                return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
            }
        }
        return indexes;
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final char[] t = table;
        if (t == null)
        {
            return -1;
        }
        return toDestination[t[(int)Long.remainderUnsigned(flowHash, t.length)]];
    }

    /** {@return table size M, or 0 when no destination is eligible} */
    public int size()
    {
        return table == null ? 0 : table.length;
    }

    /**
     * {@return slots held by each eligible destination, by destination index (for tools and tests)}
     *
     * @param destinationCount the number of destinations
     */
    public int[] slotsPerDestination(final int destinationCount)
    {
        final int[] counts = new int[destinationCount];
        if (table != null)
        {
            for (final char c : table)
            {
                counts[toDestination[c]]++;
            }
        }
        return counts;
    }

    /** {@return the destination index in every slot (for tools and tests)} */
    public int[] destinationTable()
    {
        final int[] out = new int[size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = toDestination[table[i]];
        }
        return out;
    }

    /**
     * How many destinations' permutations (offset, skip) this build computed; the others were taken from the
     * scheduler it replaced (for tests).
     *
     * @return the count
     */
    public int permutationsComputed()
    {
        return permutationsComputed;
    }

    /**
     * {@return true when this scheduler shares its table with {@code other} (no rebuild happened)}
     *
     * @param other another scheduler
     */
    public boolean sharesTableWith(final MaglevScheduler other)
    {
        return table != null && table == other.table;
    }

    @Override
    public String name()
    {
        return "maglev";
    }
}
