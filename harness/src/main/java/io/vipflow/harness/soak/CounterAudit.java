package io.vipflow.harness.soak;

import io.vipflow.Classifier;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import io.vipflow.service.ServicePort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks that the classifier's counters agree with each other and with the connection table, as they must whenever
 * no packet is being classified:
 * <ul>
 *     <li>the {@code entries} counter equals a recount of the live slots, which is at most the slot count;</li>
 *     <li>{@code inserts - expirations - evictions - deletions == entries} (every entry is created once and removed
 *     once);</li>
 *     <li>every listed backend's active + inactive count equals the table's entries for that backend, and its
 *     active count the entries in ESTABLISHED.</li>
 * </ul>
 * A counter that drifts by one a million packets shows here at the first audit after it slipped.
 * <p>
 * Thread contract: immutable; any thread.
 *
 * @param entriesCounter the classifier's {@code entries} counter.
 * @param liveSlots      live slots counted in the table.
 * @param slots          slots in the table.
 * @param inserts        the {@code inserts} counter (every data-plane thread's tally flushed).
 * @param expirations    the {@code expirations} counter.
 * @param evictions      the {@code evictions} counter.
 * @param deletions      the {@code deletions} counter.
 * @param backends       per listed backend, by name: its counters and the table's entries.
 */
public record CounterAudit(long entriesCounter, long liveSlots, long slots, long inserts, long expirations,
    long evictions, long deletions, Map<String, BackendCount> backends)
{
    /**
     * One backend's counts.
     *
     * @param active        the backend's active counter.
     * @param inactive      the backend's inactive counter.
     * @param tableEntries  live table entries that name the backend.
     * @param tableActive   of those, entries in ESTABLISHED.
     */
    public record BackendCount(long active, long inactive, long tableEntries, long tableActive)
    {
    }

    /**
     * Reads the counters and walks the table. Call only while no thread classifies or sweeps, with every
     * data-plane thread's tally flushed ({@link Classifier#flushStats}), or the counts are a blur of two moments.
     * Allocates; visits every slot.
     */
    public static CounterAudit of(final Classifier classifier)
    {
        final Map<String, Long> stats = classifier.stats().toMap();
        final ConnTable table = classifier.connections();
        final Map<Integer, long[]> byBackend = new HashMap<>();
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        long live = 0;
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (table.readSlot(slot, key, view))
            {
                live++;
                final long[] counts = byBackend.computeIfAbsent(view.backendId(), id -> new long[2]);
                counts[0]++;
                counts[1] += view.state() == ConnState.ESTABLISHED ? 1 : 0;
            }
        }
        final Map<String, BackendCount> backends = new TreeMap<>();
        for (final ServicePort port : classifier.controlPlane().current().servicePorts())
        {
            for (int i = 0; i < port.listedCount(); i++)
            {
                final Backend b = port.listed(i);
                final long[] counts = byBackend.getOrDefault(b.id, new long[2]);
                backends.put(b.name + "#" + b.id,
                    new BackendCount(b.counters.active(), b.counters.inactive(), counts[0], counts[1]));
            }
        }
        return new CounterAudit(stats.get("entries"), live, table.slotCount(), stats.get("inserts"),
            stats.get("expirations"), stats.get("evictions"), stats.get("deletions"), backends);
    }

    /** @return one line per disagreement; empty when the counters hold. */
    public List<String> violations()
    {
        final List<String> out = new ArrayList<>();
        if (entriesCounter != liveSlots)
        {
            out.add("entries counter " + entriesCounter + " but the table holds " + liveSlots + " live entries");
        }
        if (liveSlots > slots || entriesCounter < 0)
        {
            out.add("entries " + entriesCounter + " outside [0, " + slots + " slots]");
        }
        final long balance = inserts - expirations - evictions - deletions;
        if (balance != entriesCounter)
        {
            out.add("inserts " + inserts + " - expirations " + expirations + " - evictions " + evictions +
                " - deletions " + deletions + " = " + balance + ", but entries = " + entriesCounter);
        }
        backends.forEach((name, c) ->
        {
            if (c.active() + c.inactive() != c.tableEntries() || c.active() != c.tableActive())
            {
                out.add("backend " + name + ": active " + c.active() + " + inactive " + c.inactive() +
                    ", but the table holds " + c.tableEntries() + " entries, " + c.tableActive() + " established");
            }
        });
        return out;
    }
}
