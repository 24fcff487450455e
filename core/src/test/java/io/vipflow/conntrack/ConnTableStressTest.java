package io.vipflow.conntrack;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads hammer a few flows with get-or-create, lookup, update, delete and sweeps while a shared clock
 * advances, and the history they record must show that a flow never had two entries at once, that no thread saw
 * a flow change backend unless its entry was removed in between, and that no entry was lost or duplicated.
 * <p>
 * Every get-or-create proposes a backend id used by no other call, so a backend id names one entry (one
 * creation). Every call is bracketed by two tickets from one atomic sequence, taken just before and just after
 * it, so each event is known to lie inside an interval of the sequence; removals are heard through the removal
 * listener (called after the slot is free) and stamped with the ticket of the call that caused them. From those
 * intervals the checks only flag what no interleaving can explain:
 * <ul>
 * <li>an entry seen by a call that began after the entry's removal had been reported;</li>
 * <li>a thread that saw entry x of a flow and later entry y of it, where x was never removed or its removal lies
 * entirely outside the time between the two calls;</li>
 * <li>two creations of one flow that both returned before either entry's removal began (both live at once);</li>
 * <li>an entry removed twice, a backend id observed for another flow than the one it was created for;</li>
 * <li>at the end, a table (full slot scan) that is not exactly the created-and-not-removed entries, each once,
 * or a lookup that disagrees with it.</li>
 * </ul>
 * Flows are placed four to a bucket, pairs of them with one tag, so creators meet in buckets and as rivals of
 * the same tag, yet a bucket never needs eviction (4 entries plus one slot in flight per thread fill at most the
 * 8 ways); a FULL answer or an eviction fails the test. The test fails as well if the run did not produce enough
 * re-creations, deletions, expiries, backend changes and races for the checks to mean anything.
 */
class ConnTableStressTest
{
    private static final int THREADS = 4;
    private static final int ROUNDS = 3;
    private static final int OPS_PER_THREAD = 150_000;
    private static final int BUCKETS = 16;
    private static final int FLOWS = 64;
    /** Clock ticks an entry lives after its last update. */
    private static final long TTL = 3_000_000L;
    /** One clock tick per this many operations of one thread, on average. */
    private static final int OPS_PER_TICK = 256;
    private static final int SWEEP_SLOTS = 16;
    private static final long NEVER = Long.MAX_VALUE;
    private static final int CREATE_PERCENT = 30;
    private static final int MAX_CREATIONS = THREADS * OPS_PER_THREAD * CREATE_PERCENT / 100 + 1;

    @Test
    void historyShowsOneEntryPerFlowAndNothingLost() throws Exception
    {
        final Totals totals = new Totals();
        for (int round = 0; round < ROUNDS; round++)
        {
            runRound(round, totals);
        }
        // Guards against a run too calm to prove anything.
        assertTrue(totals.recreations > 1_000, "re-creations of a flow: " + totals.recreations);
        assertTrue(totals.deleted > 1_000, "deletions: " + totals.deleted);
        assertTrue(totals.expired > 1_000, "expiries: " + totals.expired);
        assertTrue(totals.existing > 1_000, "get-or-create hits: " + totals.existing);
        assertTrue(totals.backendChanges > 1_000, "backend changes seen by one thread: " + totals.backendChanges);
        assertTrue(totals.updateConflicts > 0, "updates that lost a race: " + totals.updateConflicts);
    }

    private static void runRound(final int round, final Totals totals) throws Exception
    {
        // ceil(capacity / 0.75) / 8 buckets: 96 flows of capacity give 16 buckets.
        try (ConnTable table = new ConnTable(BUCKETS * ConnTable.WAYS * 3 / 4))
        {
            assertEquals(BUCKETS * ConnTable.WAYS, table.slotCount());
            final FlowKey[] keys = keys();
            final Shared shared = new Shared();
            table.removalListener((backendId, state, cause) -> ((Worker)Thread.currentThread()).removed(backendId,
                cause, shared.seq.getAndIncrement()));
            final CyclicBarrier start = new CyclicBarrier(THREADS);
            final Worker[] workers = new Worker[THREADS];
            for (int t = 0; t < THREADS; t++)
            {
                workers[t] = new Worker(t, round, table, keys, shared, start);
                workers[t].start();
            }
            for (final Worker w : workers)
            {
                w.join();
            }
            assertNull(shared.failure.get());
            check(table, keys, workers, shared.clock.get(), totals);
        }
    }

    /** Flow i goes to bucket i % 16; flows i and i + 32 (same bucket) share a tag. */
    private static FlowKey[] keys()
    {
        final FlowKey[] keys = new FlowKey[FLOWS];
        for (int i = 0; i < FLOWS; i++)
        {
            keys[i] = new FlowKey().set(6, 0, 0x0000_ffff_0a01_0000L | i, 30_000 + i, 0, 0x0000_ffff_0a60_0001L, 443);
            final long tag = 0x5100 + (i % 32);
            // The bucket is (low 32 bits × buckets) >>> 32, so the low word b << 28 lands in bucket b of 16.
            keys[i].hash = (tag << 32) | ((long)(i % BUCKETS) << 28) | i;
        }
        return keys;
    }

    private static final class Shared
    {
        final AtomicLong seq = new AtomicLong(1);
        final AtomicLong clock = new AtomicLong(1_000_000_000L);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
    }

    /** One thread's operations and what it saw; event arrays are preallocated so recording is cheap. */
    private static final class Worker extends Thread
    {
        final int id;
        final int round;
        final ConnTable table;
        final FlowKey[] keys;
        final Shared shared;
        final CyclicBarrier start;

        // Observations: a call that returned the entry `obsId` for flow `obsFlow`, between tickets a and b.
        final int[] obsFlow = new int[OPS_PER_THREAD];
        final int[] obsId = new int[OPS_PER_THREAD];
        final long[] obsA = new long[OPS_PER_THREAD];
        final long[] obsB = new long[OPS_PER_THREAD];
        int observations;

        // Creations made by this thread.
        final int[] createdId = new int[OPS_PER_THREAD];
        final int[] createdFlow = new int[OPS_PER_THREAD];
        final long[] createdBefore = new long[OPS_PER_THREAD];
        final long[] createdAfter = new long[OPS_PER_THREAD];
        int creations;

        // Removals this thread won, with the ticket before the call that removed and the listener's ticket. A
        // sweep may remove many entries, so room for every creation of every thread.
        final int[] removedId = new int[MAX_CREATIONS];
        final int[] removedCause = new int[MAX_CREATIONS];
        final long[] removedBefore = new long[MAX_CREATIONS];
        final long[] removedAt = new long[MAX_CREATIONS];
        int removals;

        long callStart;
        int existing;
        int updateConflicts;
        int full;

        Worker(final int id, final int round, final ConnTable table, final FlowKey[] keys, final Shared shared,
            final CyclicBarrier start)
        {
            this.id = id;
            this.round = round;
            this.table = table;
            this.keys = keys;
            this.shared = shared;
            this.start = start;
        }

        void removed(final int backendId, final int cause, final long ticket)
        {
            removedId[removals] = backendId;
            removedCause[removals] = cause;
            removedBefore[removals] = callStart;
            removedAt[removals] = ticket;
            removals++;
        }

        private void observed(final int flow, final int backendId, final long before, final long after)
        {
            obsFlow[observations] = flow;
            obsId[observations] = backendId;
            obsA[observations] = before;
            obsB[observations] = after;
            observations++;
        }

        @Override
        public void run()
        {
            try
            {
                final SplittableRandom random = new SplittableRandom(round * 1_000L + id);
                final ConnView view = new ConnView();
                final AtomicLong seq = shared.seq;
                int nextId = 1;
                int sweepCursor = (id * table.slotCount()) / THREADS;
                start.await();
                for (int op = 0; op < OPS_PER_THREAD; op++)
                {
                    if (random.nextInt(OPS_PER_TICK) == 0)
                    {
                        shared.clock.addAndGet(1_000_000L);
                    }
                    final long now = shared.clock.get();
                    final int flow = random.nextInt(FLOWS);
                    final FlowKey key = keys[flow];
                    final int kind = random.nextInt(100);
                    callStart = seq.getAndIncrement();
                    if (kind < CREATE_PERCENT)
                    {
                        // Unique per creation attempt: thread in the top byte, attempt number below.
                        final int proposed = ((id + 1) << 24) | nextId++;
                        final int result = table.getOrCreate(key, proposed, ConnState.ESTABLISHED, now + TTL, now, view);
                        final long after = seq.getAndIncrement();
                        if (result == ConnTable.FULL)
                        {
                            full++;
                            continue;
                        }
                        if (result == ConnTable.CREATED)
                        {
                            createdId[creations] = proposed;
                            createdFlow[creations] = flow;
                            createdBefore[creations] = callStart;
                            createdAfter[creations] = after;
                            creations++;
                        }
                        else
                        {
                            existing++;
                        }
                        observed(flow, view.backendId(), callStart, after);
                    }
                    else if (kind < 60)
                    {
                        if (table.lookup(key, now, view))
                        {
                            observed(flow, view.backendId(), callStart, seq.getAndIncrement());
                        }
                    }
                    else if (kind < 85)
                    {
                        if (table.lookup(key, now, view))
                        {
                            final int next = view.state() == ConnState.ESTABLISHED ? ConnState.CLOSE_WAIT :
                                ConnState.ESTABLISHED;
                            final int backendId = view.backendId();
                            if (table.update(view, backendId, next, now + TTL))
                            {
                                observed(flow, backendId, callStart, seq.getAndIncrement());
                            }
                            else
                            {
                                updateConflicts++;
                            }
                        }
                    }
                    else if (kind < 95)
                    {
                        if (table.lookup(key, now, view))
                        {
                            final int backendId = view.backendId();
                            if (table.delete(view))
                            {
                                observed(flow, backendId, callStart, seq.getAndIncrement());
                            }
                        }
                    }
                    else
                    {
                        sweepCursor = table.sweep(sweepCursor, SWEEP_SLOTS, now, null, view);
                    }
                }
            }
            catch (final Throwable ex)
            {
                shared.failure.compareAndSet(null, ex);
            }
        }
    }

    /** Counts over all rounds, for the guards against a vacuous pass. */
    private static final class Totals
    {
        long recreations;
        long deleted;
        long expired;
        long existing;
        long backendChanges;
        long updateConflicts;
    }

    /** A removal: the ticket before the call that removed the entry, and the listener's ticket after it. */
    private record Removal(long before, long at)
    {
    }

    private static void check(final ConnTable table, final FlowKey[] keys, final Worker[] workers, final long finalNow,
        final Totals totals)
    {
        final Map<Integer, Integer> flowOfId = new HashMap<>();
        final Map<Integer, Removal> removalOfId = new HashMap<>();
        final List<List<long[]>> creationsOfFlow = new ArrayList<>();
        for (int f = 0; f < FLOWS; f++)
        {
            creationsOfFlow.add(new ArrayList<>());
        }
        for (final Worker w : workers)
        {
            assertEquals(0, w.full, "a bucket filled although it never holds more than 8 entries and claims");
            for (int i = 0; i < w.creations; i++)
            {
                assertNull(flowOfId.put(w.createdId[i], w.createdFlow[i]), "backend id created twice");
                creationsOfFlow.get(w.createdFlow[i]).add(
                    new long[]{w.createdId[i], w.createdBefore[i], w.createdAfter[i]});
            }
            totals.existing += w.existing;
            totals.updateConflicts += w.updateConflicts;
        }
        for (final Worker w : workers)
        {
            for (int i = 0; i < w.removals; i++)
            {
                final int removed = w.removedId[i];
                assertTrue(flowOfId.containsKey(removed), "removed an entry nobody created: " + removed);
                assertNull(removalOfId.put(removed, new Removal(w.removedBefore[i], w.removedAt[i])),
                    "entry " + removed + " removed twice");
                assertTrue(w.removedCause[i] != ConnTable.RemovalListener.EVICTED, "eviction in a table that never fills");
                if (w.removedCause[i] == ConnTable.RemovalListener.DELETED)
                {
                    totals.deleted++;
                }
                else
                {
                    totals.expired++;
                }
            }
        }
        checkObservations(workers, flowOfId, removalOfId, totals);
        checkNoTwoLiveAtOnce(creationsOfFlow, removalOfId, totals);
        checkFinalTable(table, keys, flowOfId, removalOfId, finalNow);
    }

    private static void checkObservations(final Worker[] workers, final Map<Integer, Integer> flowOfId,
        final Map<Integer, Removal> removalOfId, final Totals totals)
    {
        for (final Worker w : workers)
        {
            // Per flow, the last entry this thread saw and the ticket before the call that saw it.
            final int[] lastId = new int[FLOWS];
            final long[] lastA = new long[FLOWS];
            for (int i = 0; i < w.observations; i++)
            {
                final int flow = w.obsFlow[i];
                final int seen = w.obsId[i];
                final Integer createdFor = flowOfId.get(seen);
                if (createdFor == null || createdFor != flow)
                {
                    fail("thread " + w.id + " saw backend " + seen + " for flow " + flow + ", created for " + createdFor);
                }
                final Removal removal = removalOfId.get(seen);
                if (removal != null && w.obsA[i] > removal.at)
                {
                    fail("thread " + w.id + " saw entry " + seen + " of flow " + flow + " in a call starting at " +
                        w.obsA[i] + ", after its removal was reported at " + removal.at);
                }
                final int previous = lastId[flow];
                if (previous != 0 && previous != seen)
                {
                    // Legal only if the earlier entry was removed between the two calls.
                    final Removal gone = removalOfId.get(previous);
                    if (gone == null || gone.before > w.obsB[i] || gone.at < lastA[flow])
                    {
                        fail("thread " + w.id + " saw flow " + flow + " on entry " + previous + " then on " + seen +
                            " (calls from ticket " + lastA[flow] + " to " + w.obsB[i] + ") with no removal of " +
                            previous + " in between: " + gone);
                    }
                    totals.backendChanges++;
                }
                lastId[flow] = seen;
                lastA[flow] = w.obsA[i];
            }
        }
    }

    /**
     * Two creations of a flow whose calls both returned before either entry's removal began were both live at
     * once. Sorted by return ticket, creation y overlaps an earlier x when x's removal began after y returned and
     * so did y's own.
     */
    private static void checkNoTwoLiveAtOnce(final List<List<long[]>> creationsOfFlow,
        final Map<Integer, Removal> removalOfId, final Totals totals)
    {
        for (int f = 0; f < FLOWS; f++)
        {
            final List<long[]> creations = creationsOfFlow.get(f);
            creations.sort((x, y) -> Long.compare(x[2], y[2]));
            long latestRemovalStart = Long.MIN_VALUE;
            int latestId = 0;
            for (final long[] c : creations)
            {
                final int createdId = (int)c[0];
                final Removal removal = removalOfId.get(createdId);
                final long removalStart = removal == null ? NEVER : removal.before;
                if (latestRemovalStart > c[2] && removalStart > c[2])
                {
                    fail("flow " + f + ": entries " + latestId + " and " + createdId + " were live at once (creation " +
                        "returned at ticket " + c[2] + ", neither removal had begun)");
                }
                if (removalStart > latestRemovalStart)
                {
                    latestRemovalStart = removalStart;
                    latestId = createdId;
                }
            }
            totals.recreations += Math.max(0, creations.size() - 1);
        }
    }

    /** The table holds exactly the entries created and never removed, each once, and lookups agree. */
    private static void checkFinalTable(final ConnTable table, final FlowKey[] keys,
        final Map<Integer, Integer> flowOfId, final Map<Integer, Removal> removalOfId, final long finalNow)
    {
        final int[] remainingOfFlow = new int[FLOWS];
        int remaining = 0;
        for (final Map.Entry<Integer, Integer> e : flowOfId.entrySet())
        {
            if (!removalOfId.containsKey(e.getKey()))
            {
                assertEquals(0, remainingOfFlow[e.getValue()], "flow " + e.getValue() + " has two entries left");
                remainingOfFlow[e.getValue()] = e.getKey();
                remaining++;
            }
        }
        final FlowKey key = new FlowKey();
        final ConnView view = new ConnView();
        final int[] foundOfFlow = new int[FLOWS];
        final long[] expiryOfFlow = new long[FLOWS];
        int found = 0;
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (!table.readSlot(slot, key, view))
            {
                continue;
            }
            found++;
            final Integer flow = flowOfId.get(view.backendId());
            assertTrue(flow != null && key.sameKey(keys[flow]), "slot " + slot + " holds an unknown entry");
            assertEquals(0, foundOfFlow[flow], "flow " + flow + " found twice in the table");
            foundOfFlow[flow] = view.backendId();
            expiryOfFlow[flow] = view.expiryNanos();
        }
        assertEquals(remaining, found, "entries left in the table");
        assertEquals(remaining, table.countLive(), "countLive");
        for (int f = 0; f < FLOWS; f++)
        {
            assertEquals(remainingOfFlow[f], foundOfFlow[f], "entry left for flow " + f);
            final boolean live = foundOfFlow[f] != 0 && expiryOfFlow[f] > finalNow;
            assertEquals(live, table.lookup(keys[f], finalNow, view), "lookup of flow " + f);
            if (live)
            {
                assertEquals(foundOfFlow[f], view.backendId(), "lookup of flow " + f);
            }
        }
        assertTrue(Arrays.stream(foundOfFlow).anyMatch(id -> id != 0), "no entry left to check");
    }
}
