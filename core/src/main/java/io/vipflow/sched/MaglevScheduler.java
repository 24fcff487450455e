package io.vipflow.sched;

import java.util.List;

/**
 * Maglev consistent hashing: a flow goes to {@code table[hash mod M]}. The same backends give the same table
 * on every instance, so a flow keeps its backend when another balancer instance receives it.
 */
public final class MaglevScheduler implements Scheduler
{
    private final List<String> names;
    private final char[] table;

    private MaglevScheduler(final List<String> names, final char[] table)
    {
        this.names = names;
        this.table = table;
    }

    /** Builds a table, or reuses the previous one when the backend names and size are unchanged. */
    public static MaglevScheduler create(final List<String> names, final int size, final Scheduler previous)
    {
        if (previous instanceof MaglevScheduler)
        {
            final MaglevScheduler p = (MaglevScheduler)previous;
            if (p.table.length == size && p.names.equals(names))
            {
                return p;
            }
        }
        return new MaglevScheduler(List.copyOf(names), MaglevTable.build(names, size));
    }

    @Override
    public int pick(final long flowHash)
    {
        return table[(int)Long.remainderUnsigned(flowHash, table.length)];
    }

    /** Table size M. */
    public int size()
    {
        return table.length;
    }

    /** The backend index in slot {@code i}: for tests and tools. */
    public int slot(final int i)
    {
        return table[i];
    }

    @Override
    public String name()
    {
        return "maglev";
    }
}
