package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.sched.ConnCounters;
import io.vipflow.service.ControlPlane;

/**
 * Keeps every backend's active and inactive counts (docs/SEMANTICS.md §3: active = TCP ESTABLISHED, inactive = any
 * other entry) and the entry counters in step with the connection table. The table calls {@link #onRemoved} from
 * whichever thread won the removal, exactly once per entry; the classifier calls {@link #recount} after each
 * creation or state change it won. An entry removed so that a new one takes its way at once is reported to
 * {@link #onReplaced} instead, and its creator accounts for the pair with {@link #created}: one change instead of a
 * removal and a creation, so that a flow replacing its own expired entry on the same backend (every new flow of a
 * busy table whose clients come back) writes no shared count but the removal's cause. Any thread.
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

    /**
     * An entry removed for a new one in the same step ({@link ConnTable.RemovalListener#onReplaced}): only the cause
     * is counted here; the creator's {@link #created} accounts for the removed entry with the new one.
     */
    @Override
    public void onReplaced(final int backendId, final int state, final int cause)
    {
        ClassifierStats.add(cause == EVICTED ? stats.evictions : stats.expirations, 1);
    }

    /**
     * A new entry, in state {@code state} on the backend counted by {@code counters} (null: a backend no longer
     * listed, which has no counts to keep); {@code view} is the view the
     * creating {@code getOrCreate} filled. When the entry took the way of one that call removed
     * ({@link ConnView#replaced()}), the pair is one change: the number of entries stays, and the counts move only
     * as far as the backend or the active/inactive side differ.
     */
    void created(final ConnCounters counters, final int state, final ConnView view)
    {
        if (!view.replaced())
        {
            if (counters != null)
            {
                recount(counters, -1, state);
            }
            ClassifierStats.add(stats.entries, 1);
            return;
        }
        final ConnCounters before = controlPlane.current().counters(view.replacedBackendId());
        if (before == counters)
        {
            if (counters != null)
            {
                recount(counters, view.replacedState(), state);
            }
            return;
        }
        if (before != null)
        {
            recount(before, view.replacedState(), -1);
        }
        if (counters != null)
        {
            recount(counters, -1, state);
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
