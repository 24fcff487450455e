package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
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
        final ConnCounters counters = controlPlane.current().counters(backendId);
        if (counters != null)
        {
            recount(counters, state, -1);
        }
        ClassifierStats.add(stats.entries, -1);
        switch (cause)
        {
            case EXPIRED -> ClassifierStats.add(stats.expirations, 1);
            case EVICTED -> ClassifierStats.add(stats.evictions, 1);
            default -> ClassifierStats.add(stats.deletions, 1);
        }
    }

    /** Moves one entry between the active and inactive counts; -1 stands for "no entry". */
    static void recount(final ConnCounters counters, final int from, final int to)
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
                counters.addActive(-1);
            }
            else
            {
                counters.addInactive(-1);
            }
        }
        if (to >= 0)
        {
            if (isActive)
            {
                counters.addActive(1);
            }
            else
            {
                counters.addInactive(1);
            }
        }
    }
}
