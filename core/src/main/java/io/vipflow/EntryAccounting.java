package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.internal.CounterStripes;
import io.vipflow.sched.ConnCounters;
import io.vipflow.service.ControlPlane;

/**
 * Keeps every backend's active and inactive counts (docs/SEMANTICS.md §3: active = TCP ESTABLISHED, inactive = any
 * other entry) and the entry counters in step with the connection table. The table calls {@link #onRemoved} from
 * whichever thread won the removal, exactly once per entry; the classifier calls {@link #recount} after each
 * creation or state change it won. Any thread.
 */
final class EntryAccounting implements ConnTable.RemovalListener
{
    private final ControlPlane controlPlane;
    private final ClassifierStats stats;

    EntryAccounting(final ControlPlane controlPlane, final ClassifierStats stats)
    {
        this.controlPlane = controlPlane;
        this.stats = stats;
    }

    /** Entry removed: the one place where counts go down. A backend no longer listed has no counts to keep. */
    @Override
    public void onRemoved(final int backendId, final int state, final int cause)
    {
        onRemoved(backendId, state, cause, CounterStripes.Ticket.NONE);
    }

    /** {@link #onRemoved(int, int, int)} from a table, which passes the removing call's view. */
    @Override
    public void onRemoved(final int backendId, final int state, final int cause, final ConnView by)
    {
        onRemoved(backendId, state, cause, by.ticket());
    }

    private void onRemoved(final int backendId, final int state, final int cause, final CounterStripes.Ticket by)
    {
        final ConnCounters counters = controlPlane.current().counters(backendId);
        if (counters != null)
        {
            recount(counters, state, -1, by);
        }
        ClassifierStats.add(stats.entries, by, -1);
        switch (cause)
        {
            case EXPIRED -> ClassifierStats.add(stats.expirations, by, 1);
            case EVICTED -> ClassifierStats.add(stats.evictions, by, 1);
            default -> ClassifierStats.add(stats.deletions, by, 1);
        }
    }

    /** Moves one entry between the active and inactive counts; -1 stands for "no entry". */
    static void recount(final ConnCounters counters, final int from, final int to)
    {
        recount(counters, from, to, CounterStripes.Ticket.NONE);
    }

    /**
     * {@link #recount(ConnCounters, int, int)} in the stripe of the calling thread's ticket (another thread's
     * ticket, or {@link CounterStripes.Ticket#NONE}, makes it look the stripe up).
     */
    static void recount(final ConnCounters counters, final int from, final int to, final CounterStripes.Ticket by)
    {
        final boolean wasActive = from == ConnState.ESTABLISHED;
        final boolean isActive = to == ConnState.ESTABLISHED;
        if (from >= 0 && to >= 0 && wasActive == isActive)
        {
            return;
        }
        if (from >= 0)
        {
            if (wasActive)
            {
                counters.addActive(by, -1);
            }
            else
            {
                counters.addInactive(by, -1);
            }
        }
        if (to >= 0)
        {
            if (isActive)
            {
                counters.addActive(by, 1);
            }
            else
            {
                counters.addInactive(by, 1);
            }
        }
    }
}
