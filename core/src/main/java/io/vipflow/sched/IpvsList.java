package io.vipflow.sched;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An IPVS service's destination list: the order in which every IPVS scheduler walks its destinations, and each
 * destination's {@code last_weight}.
 * <p>
 * IPVS adds a destination with {@code list_add_rcu(&dest->n_list, &svc->destinations)} ({@code ip_vs_ctl.c},
 * {@code __ip_vs_update_dest}): at the head. A list built without a previous one takes the destinations in the
 * order given (name order), as a Service created with all of them. When a previous list exists, destinations
 * that are new go to the head, as one block in name order, and the others keep their relative order; removed
 * ones leave. {@code last_weight} follows {@code __ip_vs_update_dest}: set on add, and on every update to a
 * non-zero weight, so a quiesced destination keeps its last non-zero weight.
 * <p>
 * Immutable: built on the control plane, read by data-plane threads through the scheduler that holds it.
 */
final class IpvsList
{
    /** Destination names by position. */
    final String[] names;
    /** Position to index in the destination list handed to the factory. */
    final int[] index;
    /** Current weights by position; 0 is quiesced. */
    final int[] weight;
    /** IPVS {@code last_weight} by position. */
    final int[] lastWeight;
    /** Live connection counts by position. */
    final ConnCounters[] counters;
    /** Previous position to new position, -1 for a removed destination; null without a previous list. */
    private final int[] carried;
    /** Number of destinations added at the head. */
    private final int added;

    private IpvsList(final int n, final int[] carried, final int added)
    {
        this.names = new String[n];
        this.index = new int[n];
        this.weight = new int[n];
        this.lastWeight = new int[n];
        this.counters = new ConnCounters[n];
        this.carried = carried;
        this.added = added;
    }

    /** The list of an IPVS scheduler, or null for any other scheduler (switching scheduler starts afresh). */
    static IpvsList of(final Scheduler scheduler)
    {
        return scheduler instanceof IpvsScheduler ? ((IpvsScheduler)scheduler).list : null;
    }

    /**
     * @param destinations every listed destination, in name order
     * @param previous     the list before the change, or null
     * @throws IllegalArgumentException when two destinations share a name
     */
    static IpvsList build(final List<Destination> destinations, final IpvsList previous)
    {
        final int n = destinations.size();
        final Map<String, Integer> byName = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++)
        {
            if (byName.put(destinations.get(i).name(), i) != null)
            {
                throw new IllegalArgumentException("destination '" + destinations.get(i).name() + "' listed twice");
            }
        }
        if (previous == null)
        {
            final IpvsList list = new IpvsList(n, null, n);
            for (int i = 0; i < n; i++)
            {
                final Destination d = destinations.get(i);
                list.set(i, i, d, d.weight());
            }
            return list;
        }
        final Map<String, Integer> previousPositions = new HashMap<>(previous.names.length * 2);
        for (int p = 0; p < previous.names.length; p++)
        {
            previousPositions.put(previous.names[p], p);
        }
        int added = 0;
        for (final Destination d : destinations)
        {
            added += previousPositions.containsKey(d.name()) ? 0 : 1;
        }
        final int[] carried = new int[previous.names.length];
        final IpvsList list = new IpvsList(n, carried, added);
        int head = 0;
        for (int i = 0; i < n; i++)
        {
            final Destination d = destinations.get(i);
            if (!previousPositions.containsKey(d.name()))
            {
                list.set(head++, i, d, d.weight());
            }
        }
        int pos = added;
        for (int p = 0; p < previous.names.length; p++)
        {
            final Integer i = byName.get(previous.names[p]);
            if (i == null)
            {
                carried[p] = -1;
                continue;
            }
            final Destination d = destinations.get(i);
            carried[p] = pos;
            list.set(pos++, i, d, d.weight() != 0 ? d.weight() : previous.lastWeight[p]);
        }
        return list;
    }

    private void set(final int position, final int destinationIndex, final Destination d, final int last)
    {
        names[position] = d.name();
        index[position] = destinationIndex;
        weight[position] = d.weight();
        lastWeight[position] = last;
        counters[position] = d.counters();
    }

    int size()
    {
        return names.length;
    }

    /**
     * Where a cursor of the previous list lands: on the same destination if it stayed, else on the nearest
     * earlier one that stayed ({@code ip_vs_rr_del_dest} moves the cursor to the previous entry), else on the
     * last destination added at the head, else on the list head (-1).
     */
    int carryCursor(final int previousPosition)
    {
        if (carried == null || previousPosition < 0)
        {
            return previousPosition;
        }
        for (int p = Math.min(previousPosition, carried.length - 1); p >= 0; p--)
        {
            if (carried[p] >= 0)
            {
                return carried[p];
            }
        }
        return added - 1;
    }

    /** True when both lists hold the same destinations, in the same order, with the same weights and counters. */
    boolean sameAs(final IpvsList other)
    {
        if (other == null || other.names.length != names.length)
        {
            return false;
        }
        for (int p = 0; p < names.length; p++)
        {
            if (!names[p].equals(other.names[p]) || index[p] != other.index[p] || weight[p] != other.weight[p] ||
                lastWeight[p] != other.lastWeight[p] || counters[p] != other.counters[p])
            {
                return false;
            }
        }
        return true;
    }

    /** True when both lists hold the same names in the same order with the same last weights (mh's layout). */
    boolean sameLayout(final IpvsList other)
    {
        if (other == null || other.names.length != names.length)
        {
            return false;
        }
        for (int p = 0; p < names.length; p++)
        {
            if (!names[p].equals(other.names[p]) || lastWeight[p] != other.lastWeight[p])
            {
                return false;
            }
        }
        return true;
    }
}
