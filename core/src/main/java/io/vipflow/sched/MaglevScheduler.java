package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Maglev consistent hashing: a flow goes to {@code table[hash mod M]}. The table holds the destinations with
 * weight above 0, ordered by name, so the same backends give the same table on every instance and a flow keeps
 * its backend when another balancer instance receives it.
 */
public final class MaglevScheduler implements Scheduler
{
    private final List<String> names;
    private final char[] table;
    private final int[] toDestination;

    private MaglevScheduler(final List<String> names, final char[] table, final int[] toDestination)
    {
        this.names = names;
        this.table = table;
        this.toDestination = toDestination;
    }

    /** Builds a table, or reuses the previous one's when the eligible names and the size are unchanged. */
    public static MaglevScheduler create(final List<Destination> destinations, final int size,
        final Scheduler previous)
    {
        final int[] eligible = Weights.positiveIndexes(destinations);
        final List<String> names = new ArrayList<>(eligible.length);
        for (final int i : eligible)
        {
            names.add(destinations.get(i).name());
        }
        if (names.isEmpty())
        {
            return new MaglevScheduler(List.of(), null, eligible);
        }
        if (previous instanceof MaglevScheduler)
        {
            final MaglevScheduler p = (MaglevScheduler)previous;
            if (p.table != null && p.table.length == size && p.names.equals(names))
            {
                return new MaglevScheduler(p.names, p.table, eligible);
            }
        }
        return new MaglevScheduler(List.copyOf(names), MaglevTable.build(names, size), eligible);
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

    /** Table size M, or 0 when no destination is eligible. */
    public int size()
    {
        return table == null ? 0 : table.length;
    }

    /** True when this scheduler shares its table with {@code other} (no rebuild happened). */
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
