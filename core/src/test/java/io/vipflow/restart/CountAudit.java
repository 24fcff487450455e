package io.vipflow.restart;

import io.vipflow.Classifier;
import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import io.vipflow.service.ServicePort;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compares a classifier's counters with a recount of its connection table. With the data plane idle. */
final class CountAudit
{
    private CountAudit()
    {
    }

    /**
     * Asserts that {@code entries} equals the table's live entries and that every listed backend's active and
     * inactive counts equal its ESTABLISHED and other entries, all of them at least 0.
     *
     * @return the live entries
     */
    static int check(final Classifier classifier, final String when)
    {
        final ConnTable table = classifier.connections();
        final Map<Integer, long[]> byBackend = new HashMap<>();
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        int live = 0;
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (table.readSlot(slot, key, view))
            {
                live++;
                byBackend.computeIfAbsent(view.backendId(), id -> new long[2])
                    [view.state() == ConnState.ESTABLISHED ? 0 : 1]++;
            }
        }
        assertEquals(live, classifier.stats().toMap().get("entries").longValue(), "entries " + when);
        for (final ServicePort sp : classifier.controlPlane().current().servicePorts())
        {
            for (int i = 0; i < sp.listedCount(); i++)
            {
                final Backend b = sp.listed(i);
                final long[] expected = byBackend.getOrDefault(b.id, new long[2]);
                final String counts = b.name + " " + b.counters + " " + when;
                assertTrue(b.counters.active() >= 0 && b.counters.inactive() >= 0, counts);
                assertEquals(expected[0], b.counters.active(), "active of " + counts);
                assertEquals(expected[1], b.counters.inactive(), "inactive of " + counts);
            }
        }
        return live;
    }
}
