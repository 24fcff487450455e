package io.vipflow.conntrack.chronicle;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.FlowKey;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A connection table in a Chronicle Map file: flows survive the process, and other processes can open the same
 * file while it runs. The operations and their outcomes are those of {@link ConnTable} (lookup, atomic
 * get-or-create, update that fails if the entry changed since it was read, delete, bounded sweep with purge,
 * removal listener), with two differences: a full table answers {@link ConnTable#FULL} without evicting, and an
 * entry's identity for {@link #update}/{@link #delete} is its backend, state and creation time (there is no slot
 * version).
 * <p>
 * This table is <b>not</b> the one the {@code Classifier} runs on: {@link ConnTable#mapped} is, because it is
 * persisted too and its lookups cost what an anonymous table's cost, several times less than this one's and
 * without a lock (see {@code docs/SEMANTICS-CHOICES.md}, "Persistence", and {@code ConnTrackBenchmark}). This
 * table is for an application that already shares state through Chronicle Map, or needs several writing
 * processes on one table.
 * <p>
 * Thread contract: any number of threads, in any number of processes that opened the file, may call
 * {@link #lookup}, {@link #getOrCreate}, {@link #update} and {@link #delete} at once, each thread with its own
 * {@link ChronicleConnView}. Each call holds one segment's inter-process lock (Chronicle's read/update/write lock)
 * for its duration, so it is atomic: two creators of one key agree on one entry and both see its backend.
 * {@link #sweep} calls are serialised within a process (they share one visitor) and lock one segment at a time.
 * The removal listener runs on the removing thread with the segment locked, and must not block.
 * <p>
 * Lifecycle: one process opens the file for writing ({@link #open}); on open it runs Chronicle's recovery, since
 * the previous writer may have been killed holding a segment lock, and that is safe only while no other process
 * has the file mapped. Other processes use {@link #inspect}, which never recovers and refuses mutators. An
 * inspector takes read locks, so one killed while reading can stall the writer's segment until the next open.
 * <p>
 * Chronicle's usage analytics are switched off in this class's static initialiser, before any Chronicle class is
 * initialised; the artifact is also excluded from the build.
 */
public final class ChronicleConnTable implements AutoCloseable
{
    static
    {
        disableAnalytics();
    }

    private static final String NAME = "vipflow-conntrack";

    private final ChronicleMap<ChronicleFlowKey, ChronicleConnEntry> map;
    private final Path file;
    private final boolean readOnly;
    private static final ConnTable.RemovalListener IGNORE = (backendId, state, cause) ->
    {
    };

    private volatile ConnTable.RemovalListener listener = IGNORE;

    private final ChronicleConnEntry sweepEntry;
    private final Consumer<MapEntry<ChronicleFlowKey, ChronicleConnEntry>> sweeper = this::sweepEntry;
    private long sweepNow;
    private ConnTable.PurgePredicate sweepPurge;

    private ChronicleConnTable(final ChronicleMap<ChronicleFlowKey, ChronicleConnEntry> map, final Path file,
        final boolean readOnly)
    {
        this.map = map;
        this.file = file;
        this.readOnly = readOnly;
        this.sweepEntry = new ChronicleConnView().entry;
    }

    /** Sets the JVM property that keeps Chronicle from sending usage data; idempotent. */
    static void disableAnalytics()
    {
        System.setProperty("chronicle.analytics.disable", "true");
    }

    private static ChronicleMapBuilder<ChronicleFlowKey, ChronicleConnEntry> builder(final long capacity)
    {
        return ChronicleMap.of(ChronicleFlowKey.class, ChronicleConnEntry.class).name(NAME).entries(capacity);
    }

    /**
     * Opens {@code file} for writing, creating it for {@code capacity} flows if it does not exist; an existing
     * file keeps its own capacity and its entries, and is recovered first (locks held by a killed writer are
     * cleared). Only one process may have the file open for writing, and none may have it open while this runs.
     */
    public static ChronicleConnTable open(final Path file, final long capacity)
    {
        try
        {
            final boolean exists = Files.exists(file) && Files.size(file) > 0;
            final ChronicleMap<ChronicleFlowKey, ChronicleConnEntry> map = exists ?
                builder(capacity).recoverPersistedTo(file.toFile(), false) :
                builder(capacity).createPersistedTo(file.toFile());
            return new ChronicleConnTable(map, file, false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Opens an existing table file while another process may be writing it, for dumps. Reads take the
     * segments' read locks; mutators throw.
     */
    public static ChronicleConnTable inspect(final Path file)
    {
        try
        {
            if (!Files.isRegularFile(file))
            {
                throw new IOException("no such file");
            }
            if (Files.size(file) == 0)
            {
                // Chronicle would initialise an empty file as a new map: an inspector must never write.
                throw new IOException("empty file");
            }
            return new ChronicleConnTable(builder(1).createPersistedTo(file.toFile()), file, true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /** Sets the listener for removals. Call before the table is shared. */
    public void removalListener(final ConnTable.RemovalListener l)
    {
        listener = l == null ? IGNORE : l;
    }

    /** {@return entries in the table, live or expired but not yet swept} */
    public long size()
    {
        return map.longSize();
    }

    /** Segments: the unit of locking and of {@link #sweep}. */
    public int segments()
    {
        return map.segments();
    }

    /** {@return off-heap bytes the map uses} */
    public long bytes()
    {
        return map.offHeapMemoryUsed();
    }

    /**
     * Finds the live (not expired) entry for the key.
     *
     * @return true and the entry in {@code view}, or false when there is none
     */
    public boolean lookup(final FlowKey key, final long nowNanos, final ChronicleConnView view)
    {
        view.setKey(key);
        return map.getUsing(view.key, view.entry) != null && view.entry.getExpiryNanos() - nowNanos > 0;
    }

    /**
     * Atomic get-or-create: returns the live entry for the key if there is one ({@link ConnTable#EXISTING});
     * otherwise stores a new entry with the proposed backend, state and expiry ({@link ConnTable#CREATED}),
     * replacing an expired one (whose removal the listener hears of). When two threads or processes race on the
     * same new key, one creates and the other gets EXISTING with the winner's backend. When the map has no room,
     * {@link ConnTable#FULL} and nothing is stored.
     */
    public int getOrCreate(final FlowKey key, final int backendId, final int state, final long expiryNanos,
        final long nowNanos, final ChronicleConnView view)
    {
        checkWritable();
        view.setKey(key);
        try (ExternalMapQueryContext<ChronicleFlowKey, ChronicleConnEntry, ?> c = map.queryContext(view.key))
        {
            c.updateLock().lock();
            final MapEntry<ChronicleFlowKey, ChronicleConnEntry> existing = c.entry();
            final ChronicleConnEntry e = view.entry;
            if (existing != null)
            {
                existing.value().getUsing(e);
                if (e.getExpiryNanos() - nowNanos > 0)
                {
                    return ConnTable.EXISTING;
                }
                final int oldBackend = e.getBackendId();
                final int oldState = e.getState();
                fill(e, backendId, state, expiryNanos, nowNanos);
                existing.doReplaceValue(c.wrapValueAsData(e));
                listener.onRemoved(oldBackend, oldState, ConnTable.RemovalListener.EXPIRED);
                return ConnTable.CREATED;
            }
            fill(e, backendId, state, expiryNanos, nowNanos);
            c.absentEntry().doInsert(c.wrapValueAsData(e));
            return ConnTable.CREATED;
        }
        catch (final IllegalStateException full)
        {
            // Chronicle refuses to allocate past the tiers its entries() sizing allows.
            return ConnTable.FULL;
        }
    }

    private static void fill(final ChronicleConnEntry e, final int backendId, final int state,
        final long expiryNanos, final long nowNanos)
    {
        e.setBackendId(backendId);
        e.setState(state);
        e.setExpiryNanos(expiryNanos);
        e.setCreatedNanos(nowNanos);
    }

    /**
     * Sets an entry's backend, state and expiry. Fails (returns false) when the entry was removed, recreated or
     * changed in backend or state since the view was read; the view is refreshed on success. When only the
     * expiry moved (a concurrent packet of the same flow refreshed it), the later deadline wins, as in
     * {@link ConnTable#update}.
     */
    public boolean update(final ChronicleConnView view, final int backendId, final int newState,
        final long newExpiryNanos)
    {
        checkWritable();
        try (ExternalMapQueryContext<ChronicleFlowKey, ChronicleConnEntry, ?> c = map.queryContext(view.key))
        {
            c.updateLock().lock();
            final MapEntry<ChronicleFlowKey, ChronicleConnEntry> found = c.entry();
            if (found == null || !sameEntry(found.value().getUsing(view.current), view.entry))
            {
                return false;
            }
            final ChronicleConnEntry e = view.entry;
            final long seenExpiry = view.current.getExpiryNanos();
            e.setBackendId(backendId);
            e.setState(newState);
            e.setExpiryNanos(seenExpiry == e.getExpiryNanos() || newExpiryNanos - seenExpiry > 0 ?
                newExpiryNanos : seenExpiry);
            found.doReplaceValue(c.wrapValueAsData(e));
            return true;
        }
    }

    /** Deletes the entry the view was read from; false when it had already changed or gone. */
    public boolean delete(final ChronicleConnView view)
    {
        checkWritable();
        try (ExternalMapQueryContext<ChronicleFlowKey, ChronicleConnEntry, ?> c = map.queryContext(view.key))
        {
            c.updateLock().lock();
            final MapEntry<ChronicleFlowKey, ChronicleConnEntry> found = c.entry();
            if (found == null || !sameEntry(found.value().getUsing(view.current), view.entry))
            {
                return false;
            }
            found.doRemove();
            listener.onRemoved(view.entry.getBackendId(), view.entry.getState(), ConnTable.RemovalListener.DELETED);
            return true;
        }
    }

    /**
     * The entry in the map is the one the view read, unchanged but for its expiry: what {@code ConnTable} decides
     * by its meta word (backend, state, slot version), with the creation time standing in for the version.
     */
    private static boolean sameEntry(final ChronicleConnEntry found, final ChronicleConnEntry seen)
    {
        return found.getBackendId() == seen.getBackendId() && found.getState() == seen.getState() &&
            found.getCreatedNanos() == seen.getCreatedNanos();
    }

    /**
     * Visits {@code maxSegments} segments from {@code fromSegment} and removes the entries that are expired at
     * {@code nowNanos} or that {@code purge} selects: bounded work per call, for an incremental sweeper.
     *
     * @param purge selects entries to remove although not expired (by backend and state), or null
     * @return the segment to continue from (0 after a full pass)
     */
    public synchronized int sweep(final int fromSegment, final int maxSegments, final long nowNanos,
        final ConnTable.PurgePredicate purge)
    {
        checkWritable();
        final int total = map.segments();
        sweepNow = nowNanos;
        sweepPurge = purge;
        int segment = fromSegment;
        for (int n = 0; n < maxSegments && segment < total; n++, segment++)
        {
            try (MapSegmentContext<ChronicleFlowKey, ChronicleConnEntry, ?> c = map.segmentContext(segment))
            {
                c.forEachSegmentEntry(sweeper);
            }
        }
        sweepPurge = null;
        return segment >= total ? 0 : segment;
    }

    /** Expires entries; {@link #sweep} without a purge predicate. */
    public int expire(final int fromSegment, final int maxSegments, final long nowNanos)
    {
        return sweep(fromSegment, maxSegments, nowNanos, null);
    }

    private void sweepEntry(final MapEntry<ChronicleFlowKey, ChronicleConnEntry> entry)
    {
        final ChronicleConnEntry e = entry.value().getUsing(sweepEntry);
        final boolean expired = e.getExpiryNanos() - sweepNow <= 0;
        if (expired || (sweepPurge != null && sweepPurge.purge(e.getBackendId(), e.getState())))
        {
            entry.doRemove();
            listener.onRemoved(e.getBackendId(), e.getState(),
                expired ? ConnTable.RemovalListener.EXPIRED : ConnTable.RemovalListener.DELETED);
        }
    }

    /** Hears of each entry of {@link #forEach}: key and view are reused between calls. */
    @FunctionalInterface
    public interface EntryVisitor
    {
        void visit(FlowKey key, ChronicleConnView view);
    }

    /**
     * Visits every entry, expired or not, one segment at a time with that segment locked: the visitor must
     * not block. For dumps and tests, not the data path.
     */
    public void forEach(final EntryVisitor visitor)
    {
        final FlowKey key = new FlowKey();
        final ChronicleConnView view = new ChronicleConnView();
        for (int segment = 0; segment < map.segments(); segment++)
        {
            try (MapSegmentContext<ChronicleFlowKey, ChronicleConnEntry, ?> c = map.segmentContext(segment))
            {
                c.forEachSegmentEntry(entry ->
                {
                    entry.key().getUsing(view.key);
                    entry.value().getUsing(view.entry);
                    visitor.visit(view.readKey(key), view);
                });
            }
        }
    }

    /** Counts entries live at {@code nowNanos} by a full scan; for tests and tools. */
    public int countLive(final long nowNanos)
    {
        final int[] count = new int[1];
        forEach((key, view) ->
        {
            if (view.expiryNanos() - nowNanos > 0 && view.state() != ConnState.DEAD)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    /** {@return the file the table lives in} */
    public Path file()
    {
        return file;
    }

    private void checkWritable()
    {
        if (readOnly)
        {
            throw new IllegalStateException("connection table opened for inspection only: " + file);
        }
    }

    /** Unmaps the file; the entries stay in it. No thread may use the table during or after this call. */
    @Override
    public void close()
    {
        map.close();
    }
}
