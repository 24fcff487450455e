package io.vipflow.conntrack;

import org.jetbrains.lincheck.datastructures.BooleanGen;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/**
 * Linearizability of the connection table's operations as a caller uses them: get-or-create of a flow with a
 * proposed backend (the result says whether this call created the entry and which backend the flow has),
 * lookup, update of the state and timer, delete, and the expiry sweep. Every concurrent history must be
 * explained by some order of the same calls on a {@link HashMap} of flow to (backend, state, expiry) that
 * respects real time.
 * <p>
 * The table has capacity 1: one bucket of {@link ConnTable#WAYS} ways, so every flow competes for the same ways
 * and racing creators meet in the race resolution. There are 3 flows and 2 threads, so at most 3 entries plus 2
 * half-claimed or half-removed slots exist at once: the bucket never fills and eviction, whose victim a map
 * cannot predict, never runs. One variant gives the flows distinct tags; the other gives them all one tag (by
 * setting {@link FlowKey#hash}), so that only the key comparison tells them apart and every creator treats every
 * other creator as a rival.
 * <p>
 * Time: every operation runs at the same instant {@link #NOW}, and a get-or-create may store an entry whose
 * timer has already run out (as if its last packet were long ago). So expired entries exist, are invisible to
 * lookups, updates and deletes, are replaced by get-or-create and removed by sweeps, all within one scenario.
 * The instant is fixed on purpose: with a clock that moves during a scenario, the answers also depend on which
 * thread read the clock first, and two documented choices of the table are not those of a sequential map (when
 * two packets refresh one entry at once the later deadline wins, whichever state wins; a sweep passes over an
 * entry whose state changed under it and leaves it to the next pass). Refreshes racing removals are the
 * subject of {@link ConnTableExpiryRaceTest}.
 * <p>
 * Would fail if two creators of one flow could both create it, if a creator could return a backend other than
 * the stored one, if a delete or an update could act on an entry that had already been removed or replaced,
 * if a lookup could return a half-written slot or an expired entry, or if a sweep could remove a live entry.
 * <p>
 * The table lives off the heap (an Agrona {@code UnsafeBuffer} over direct memory). Lincheck's model checker
 * switches threads only at the shared-memory accesses it can track, which are fields and array elements of heap
 * objects; loads, stores and CASes at raw addresses are not such events, so it could not interleave threads
 * inside an operation (and its instrumentation of the buffer class fails outright in this version). Stress mode
 * runs the scenarios on real threads many times and checks each history against the sequential specification.
 * It finds what a few thousand random short scenarios can find; {@link ConnTableStressTest} adds the volume
 * that windows of a few nanoseconds need.
 */
public class ConnTableLincheckTest
{
    /** The one instant of every operation, in nanoseconds. */
    static final long NOW = 1_000_000_000L;
    /** Time to live given to live entries, in nanoseconds. */
    static final long TTL = 50_000_000L;
    static final int FLOWS = 3;
    static final int INITIAL_STATE = ConnState.SYN_RECV;
    /** Added to the backend id in a get-or-create result when the entry already existed. */
    static final int EXISTING = 100;

    @Test
    void distinctTags()
    {
        options().check(DistinctTags.class);
    }

    @Test
    void sharedTag()
    {
        options().check(SharedTag.class);
    }

    private static StressOptions options()
    {
        return new StressOptions()
            .iterations(10)
            .invocationsPerIteration(1_000)
            .threads(2)
            .actorsPerThread(4)
            .actorsBefore(1)
            .actorsAfter(1)
            .sequentialSpecification(SequentialTable.class);
    }

    static FlowKey[] keys(final boolean sharedTag)
    {
        final FlowKey[] keys = new FlowKey[FLOWS];
        for (int i = 0; i < FLOWS; i++)
        {
            keys[i] = new FlowKey().set(6, 0, 0x0000_ffff_0a00_0000L | i, 40_000 + i, 0, 0x0000_ffff_0a60_000aL, 80);
            if (sharedTag)
            {
                // The tag is the hash's high half; the low half only picks the bucket, and there is one bucket.
                keys[i].hash = 0x1234_5678_0000_0000L | i;
            }
        }
        return keys;
    }

    /** Every flow with its own tag. */
    public static class DistinctTags extends TableOperations
    {
        public DistinctTags()
        {
            super(keys(false));
        }
    }

    /** Every flow with the same tag. */
    public static class SharedTag extends TableOperations
    {
        public SharedTag()
        {
            super(keys(true));
        }
    }

    /** The operations under test, each what a caller of the table does for one flow. */
    @Param(name = "flow", gen = IntGen.class, conf = "0:2")
    @Param(name = "backend", gen = IntGen.class, conf = "1:3")
    @Param(name = "state", gen = IntGen.class, conf = "1:3")
    @Param(name = "expired", gen = BooleanGen.class)
    public abstract static class TableOperations
    {
        private final ConnTable table = new ConnTable(1);
        private final FlowKey[] keys;

        TableOperations(final FlowKey[] keys)
        {
            this.keys = keys;
        }

        /** Returns the entry's backend, plus {@link #EXISTING} when this call did not create it. */
        @Operation
        public int getOrCreate(@Param(name = "flow") final int flow, @Param(name = "backend") final int backend,
            @Param(name = "expired") final boolean expired)
        {
            final ConnView view = new ConnView();
            final int result = table.getOrCreate(keys[flow], backend, INITIAL_STATE, expiry(expired), NOW, view);
            if (result == ConnTable.FULL)
            {
                return -1;
            }
            return result == ConnTable.CREATED ? view.backendId() : EXISTING + view.backendId();
        }

        @Operation
        public String lookup(@Param(name = "flow") final int flow)
        {
            final ConnView view = new ConnView();
            if (!table.lookup(keys[flow], NOW, view))
            {
                return "none";
            }
            return describe(view.backendId(), view.state(), view.expiryNanos());
        }

        /** A packet moving a flow to {@code state}, retried from a fresh read while others change the entry. */
        @Operation
        public boolean update(@Param(name = "flow") final int flow, @Param(name = "state") final int state)
        {
            final ConnView view = new ConnView();
            while (table.lookup(keys[flow], NOW, view))
            {
                if (table.update(view, view.backendId(), state, NOW + TTL))
                {
                    return true;
                }
            }
            return false;
        }

        /** Deletes the flow's live entry, retried from a fresh read while others change the entry. */
        @Operation
        public boolean delete(@Param(name = "flow") final int flow)
        {
            final ConnView view = new ConnView();
            while (table.lookup(keys[flow], NOW, view))
            {
                if (table.delete(view))
                {
                    return true;
                }
            }
            return false;
        }

        @Operation
        public void sweep()
        {
            table.expire(0, table.slotCount(), NOW);
        }
    }

    static long expiry(final boolean expired)
    {
        return expired ? NOW - TTL : NOW + TTL;
    }

    static String describe(final int backend, final int state, final long expiry)
    {
        return "b" + backend + "/" + ConnState.name(state) + "/exp" + expiry;
    }

    /**
     * The specification: a map of flow to entry. An expired entry is invisible to lookup, update and delete; a
     * get-or-create replaces it and a sweep removes it.
     */
    public static final class SequentialTable
    {
        private final Map<Integer, Entry> entries = new HashMap<>();

        public int getOrCreate(final int flow, final int backend, final boolean expired)
        {
            final Entry e = live(flow);
            if (e != null)
            {
                return EXISTING + e.backend;
            }
            entries.put(flow, new Entry(backend, INITIAL_STATE, expiry(expired)));
            return backend;
        }

        public String lookup(final int flow)
        {
            final Entry e = live(flow);
            return e == null ? "none" : describe(e.backend, e.state, e.expiry);
        }

        public boolean update(final int flow, final int state)
        {
            final Entry e = live(flow);
            if (e == null)
            {
                return false;
            }
            entries.put(flow, new Entry(e.backend, state, NOW + TTL));
            return true;
        }

        public boolean delete(final int flow)
        {
            return live(flow) != null && entries.remove(flow) != null;
        }

        public void sweep()
        {
            entries.values().removeIf(e -> e.expiry <= NOW);
        }

        private Entry live(final int flow)
        {
            final Entry e = entries.get(flow);
            return e == null || e.expiry <= NOW ? null : e;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof SequentialTable && ((SequentialTable)o).entries.equals(entries);
        }

        @Override
        public int hashCode()
        {
            return entries.hashCode();
        }
    }

    record Entry(int backend, int state, long expiry)
    {
    }
}
