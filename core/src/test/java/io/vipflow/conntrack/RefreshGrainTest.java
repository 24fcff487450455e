package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The refresh grain ({@link ConnTimeouts}): its size per timeout, the table's rule ({@link ConnView#keeps}, the
 * deadline written from {@link ConnTimeouts#refreshedDeadline}) against the rule a model keeping nanoseconds applies
 * ({@link ConnTimeouts#keepsDeadline}), and its promise: an entry never expires before its last packet's time plus
 * the timeout, and at most one grain less 1 ms after it.
 */
class RefreshGrainTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @Test
    void theGrainIsA256thOfTheTimeoutBetweenOneMillisecondAndOneSecond()
    {
        final ConnTimeouts t = ConnTimeouts.ipvsDefaults().withTcp(ConnState.CLOSE, 10 * SECOND)
            .withTcp(ConnState.NONE, 511 * MS).withTcp(ConnState.LAST_ACK, 512 * MS);
        assertEquals(1_000, t.refreshGrainMillis(ConnState.ESTABLISHED), "900 s / 256 = 3.5 s, capped at 1 s");
        assertEquals(1_000, t.refreshGrainMillis(ConnState.UDP), "300 s / 256 = 1.17 s, capped");
        assertEquals(234, t.refreshGrainMillis(ConnState.SYN_RECV), "60 s / 256");
        assertEquals(39, t.refreshGrainMillis(ConnState.CLOSE), "10 s / 256");
        assertEquals(1, t.refreshGrainMillis(ConnState.NONE), "under 512 ms: no grain beyond the table's 1 ms");
        assertEquals(2, t.refreshGrainMillis(ConnState.LAST_ACK));
        assertEquals(1, ConnTimeouts.ipvsDefaults().withTcp(ConnState.SYN_RECV, MS)
            .refreshGrainMillis(ConnState.SYN_RECV));
    }

    @Test
    void theTablesRuleAndTheModelsRuleGiveTheSameDeadlinesAndNeitherExpiresEarly()
    {
        final SplittableRandom random = new SplittableRandom(20261204);
        final int[] states = {ConnState.ESTABLISHED, ConnState.SYN_RECV, ConnState.CLOSE, ConnState.NONE};
        try (ConnTable table = new ConnTable(64))
        {
            final ConnView view = new ConnView();
            for (int round = 0; round < 2_000; round++)
            {
                final int state = states[random.nextInt(states.length)];
                final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults()
                    .withTcp(state, MS + random.nextLong(1_000 * SECOND));
                final long grain = timeouts.refreshGrainMillis(state);
                final FlowKey key = ConnTableTest.key(round, 7);
                long now = random.nextLong(1_000 * SECOND);
                // Created as the classifier creates (its time plus the timeout), then refreshed packet by packet.
                final long created = now + timeouts.nanos(state);
                assertEquals(ConnTable.CREATED, table.getOrCreate(key, 1, state, created, now, view));
                long model = created;
                for (int packet = 0; packet < 40; packet++)
                {
                    // Up to three grains on, but within the timeout less 1 ms, so that the entry is still live.
                    now += random.nextLong(Math.min(3 * grain * MS, timeouts.nanos(state) - MS) + 1);
                    final long asked = now + timeouts.nanos(state);
                    assertTrue(table.lookup(key, now, view), "live before its deadline");
                    final boolean tableKeeps = view.keeps(state, asked);
                    assertEquals(tableKeeps, timeouts.keepsDeadline(state, model, now), "same decision to write");
                    if (!tableKeeps)
                    {
                        assertTrue(table.update(view, 1, state, timeouts.refreshedDeadline(state, now)));
                        model = timeouts.refreshedDeadline(state, now);
                    }
                    assertEquals(Math.floorDiv(model + MS - 1, MS) * MS, view.expiryNanos(), "same deadline");
                    assertTrue(view.expiryNanos() >= asked, "never before the packet's time plus the timeout");
                    assertTrue(view.expiryNanos() < asked + grain * MS, "at most one grain less 1 ms after it");
                }
                assertTrue(table.delete(view));
            }
        }
    }

    @Test
    void aStateChangeIsAlwaysWrittenAndAViewOfAnotherStateIsNotKept()
    {
        try (ConnTable table = new ConnTable(16))
        {
            final ConnView view = new ConnView();
            final ConnTimeouts timeouts = ConnTimeouts.ipvsDefaults();
            final FlowKey key = ConnTableTest.key(1, 1);
            table.getOrCreate(key, 1, ConnState.SYN_RECV, 100 * SECOND, 0, view);
            assertFalse(view.keeps(ConnState.ESTABLISHED, SECOND), "another state");
            assertTrue(view.keeps(ConnState.SYN_RECV, 100 * SECOND), "the deadline itself");
            assertFalse(view.keeps(ConnState.SYN_RECV, 100 * SECOND + 1), "past it, rounded up");
            assertEquals(900 * SECOND + 999 * MS + MS, timeouts.refreshedDeadline(ConnState.ESTABLISHED, 1),
                "1 ns + 900 s rounds up to 900.001 s, plus 999 ms");
        }
    }
}
