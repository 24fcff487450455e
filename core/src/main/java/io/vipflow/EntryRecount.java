package io.vipflow;

import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.sched.ConnCounters;
import io.vipflow.service.Snapshot;

/**
 * Brings the counts of a {@link Classifier} built over a table that already holds entries (a memory-mapped table
 * reopened after a restart or a crash) in line with the table: one pass over every slot adds each live entry to
 * the {@code entries} counter and to its backend's active or inactive count, as if the classifier had created it.
 * From then on {@link EntryAccounting} moves the counts with each change, so they never go below zero as the old
 * flows advance and close.
 * <p>
 * Runs in the classifier's constructor, before any other thread can reach the table. Counts are taken against the
 * control plane's current snapshot: the cluster must be published before the classifier is built, so that the
 * backends of the old entries are listed (with their persistent ids, {@code ControlPlane}'s id file). An entry
 * whose backend is not listed then is counted in {@code entries} only; its backend has no counts to keep.
 */
final class EntryRecount
{
    private EntryRecount()
    {
    }

    /**
     * Counts the table's entries into {@code stats} and the listed backends' counters.
     *
     * @return the live entries found
     * @throws IllegalStateException when the table holds entries and nothing has been published yet
     */
    static int apply(final ConnTable table, final Snapshot snapshot, final ClassifierStats stats)
    {
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        final int slots = table.slotCount();
        int live = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            if (!table.readSlot(slot, key, view))
            {
                continue;
            }
            if (snapshot.generation == 0)
            {
                throw new IllegalStateException("the connection table holds entries but the control plane has " +
                    "published nothing yet: publish the cluster first, then build the Classifier, so that the " +
                    "entries' backends are counted");
            }
            live++;
            final ConnCounters counters = snapshot.counters(view.backendId());
            if (counters != null)
            {
                EntryAccounting.recount(counters, -1, view.state());
            }
        }
        ClassifierStats.add(stats.entries, live);
        return live;
    }
}
