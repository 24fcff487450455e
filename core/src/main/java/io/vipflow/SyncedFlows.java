package io.vipflow;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import io.vipflow.service.Frontend;
import io.vipflow.service.ServicePort;
import io.vipflow.service.Snapshot;

/**
 * Applies connection entries learnt from another balancer (connection sync) to a {@link Classifier}'s table, and
 * reads the table's live entries for a peer that catches up. Backends are named by address and port, since
 * backend ids are local to each balancer's control plane.
 * <p>
 * Rules (docs/SYNC.md): an entry made by this balancer's own packets is never replaced, only a synced entry with
 * the same backend is moved to the peer's state and timer; an entry for a backend this balancer does not list is
 * stored with {@link #REMOVED_BACKEND}, an id no backend ever has, so that its next packet meets the removed-backend
 * policy exactly as a local entry of a removed backend does. Counts follow the entries as for local ones.
 * <p>
 * Thread contract: {@link #upsert} and {@link #remove} belong to one thread (the sync receiver), {@link #scan} to
 * one thread (the sync sender); both run while any number of data-plane threads classify.
 * <p>
 * Not API (docs/API.md): public for the connection-sync module, its only user; it stays beside
 * {@link Classifier} because it keeps the classifier's entry counts through package-private helpers.
 * @hidden
 */
public final class SyncedFlows
{
    /** The entry was created or moved to the peer's state. */
    public static final int APPLIED = 0;
    /** An entry with another backend exists here: it stays (local decisions win). */
    public static final int KEPT = 1;
    /** No frontend of this balancer matches the key's destination: nothing stored. */
    public static final int NO_FRONTEND = 2;
    /** The key's buckets hold only established flows: nothing stored. */
    public static final int TABLE_FULL = 3;
    /** A removal for an entry that is not here (or has another backend). */
    public static final int ABSENT = 4;

    /** Backend id of entries whose backend is not listed here; ids handed out start at 1. */
    public static final int REMOVED_BACKEND = 0;

    private final Classifier classifier;
    private final ConnTable table;
    private final ConnView applyView = new ConnView();
    private final ConnView scanView = new ConnView();
    private final FlowKey scanKey = new FlowKey();

    /**
     * Sync access to a classifier's connection table.
     *
     * @param classifier the classifier whose table receives and gives the entries
     */
    public SyncedFlows(final Classifier classifier)
    {
        this.classifier = classifier;
        this.table = classifier.connections();
    }

    /**
     * Stores or updates the entry for {@code key} with a backend named by address and port.
     *
     * @param key         the flow's key
     * @param backendHi   the backend's address, high 64 bits
     * @param backendLo   the backend's address, low 64 bits
     * @param backendPort the backend's port
     * @param state       the entry's state at the peer
     * @param ttlNanos    the time the entry had left at the peer
     * @param nowNanos    the current time, on the classifier's clock
     * @return {@link #APPLIED}, {@link #KEPT}, {@link #NO_FRONTEND} or {@link #TABLE_FULL}
     */
    public int upsert(final FlowKey key, final long backendHi, final long backendLo, final int backendPort,
        final int state, final long ttlNanos, final long nowNanos)
    {
        return store(key, backendHi, backendLo, backendPort, state, ttlNanos, nowNanos, false);
    }

    /**
     * A table entry a peer re-sends (catch-up or periodic refresh): stored when absent; an existing entry with the
     * same backend and state only has its timer moved later, never earlier, so an old copy never undoes what this
     * balancer's own packets did since.
     *
     * @param key         the flow's key
     * @param backendHi   the backend's address, high 64 bits
     * @param backendLo   the backend's address, low 64 bits
     * @param backendPort the backend's port
     * @param state       the entry's state at the peer
     * @param ttlNanos    the time the entry had left at the peer
     * @param nowNanos    the current time, on the classifier's clock
     * @return as {@link #upsert}
     */
    public int refresh(final FlowKey key, final long backendHi, final long backendLo, final int backendPort,
        final int state, final long ttlNanos, final long nowNanos)
    {
        return store(key, backendHi, backendLo, backendPort, state, ttlNanos, nowNanos, true);
    }

    private int store(final FlowKey key, final long backendHi, final long backendLo, final int backendPort,
        final int state, final long ttlNanos, final long nowNanos, final boolean extendOnly)
    {
        final ServicePort sp = servicePortOf(classifier.controlPlane().current(), key);
        if (sp == null)
        {
            return NO_FRONTEND;
        }
        final Backend backend = listed(sp, backendHi, backendLo, backendPort);
        final int id = backend == null ? REMOVED_BACKEND : backend.id;
        final ConnView view = applyView;
        final int result = table.getOrCreate(key, id, state, nowNanos + ttlNanos, nowNanos, view);
        if (result == ConnTable.FULL)
        {
            return TABLE_FULL;
        }
        if (result == ConnTable.CREATED)
        {
            classifier.accounting().created(backend == null ? null : backend.counters, state, view);
            return APPLIED;
        }
        if (view.backendId() != id ||
            (extendOnly && (view.state() != state || nowNanos + ttlNanos - view.expiryNanos() <= 0)))
        {
            return KEPT;
        }
        final int before = view.state();
        if (!table.update(view, id, state, nowNanos + ttlNanos))
        {
            return KEPT;
        }
        if (backend != null)
        {
            EntryAccounting.recount(backend.counters, before, state);
        }
        return APPLIED;
    }

    /**
     * Deletes the entry for {@code key} when it has the named backend.
     *
     * @param key         the flow's key
     * @param backendHi   the backend's address, high 64 bits
     * @param backendLo   the backend's address, low 64 bits
     * @param backendPort the backend's port
     * @param nowNanos    the current time, on the classifier's clock
     * @return {@link #APPLIED} or {@link #ABSENT}
     */
    public int remove(final FlowKey key, final long backendHi, final long backendLo, final int backendPort,
        final long nowNanos)
    {
        final ConnView view = applyView;
        if (!table.lookup(key, nowNanos, view))
        {
            return ABSENT;
        }
        final ServicePort sp = servicePortOf(classifier.controlPlane().current(), key);
        final Backend backend = sp == null ? null : listed(sp, backendHi, backendLo, backendPort);
        final int id = backend == null ? REMOVED_BACKEND : backend.id;
        return view.backendId() == id && table.delete(view) ? APPLIED : ABSENT;
    }

    /**
     * Receives the live entries {@link #scan} reads. Called on the scanning thread; the key is reused.
     * @hidden
     */
    @FunctionalInterface
    public interface EntryVisitor
    {
        /**
         * One live entry.
         *
         * @param key      the entry's key (reused after the call)
         * @param backend  its backend
         * @param state    its state
         * @param ttlNanos the time it has left
         */
        void entry(FlowKey key, Backend backend, int state, long ttlNanos);
    }

    /**
     * Visits at most {@code maxSlots} slots from {@code fromSlot} and hands every live entry whose backend is
     * listed to the visitor, with the time it has left: bounded work per call, so a sender can interleave a full
     * table with live updates.
     *
     * @param fromSlot the slot to start at
     * @param maxSlots slots visited at most
     * @param nowNanos the current time, on the classifier's clock
     * @param visitor  receives the entries
     * @return the slot to continue from, 0 after the last slot
     */
    public int scan(final int fromSlot, final int maxSlots, final long nowNanos, final EntryVisitor visitor)
    {
        final Snapshot snapshot = classifier.controlPlane().current();
        final int total = table.slotCount();
        int slot = fromSlot;
        for (int n = 0; n < maxSlots && slot < total; n++, slot++)
        {
            if (!table.readSlot(slot, scanKey, scanView))
            {
                continue;
            }
            final long ttl = scanView.expiryNanos() - nowNanos;
            final Backend backend = snapshot.backend(scanView.backendId());
            if (ttl > 0 && backend != null && scanView.state() != ConnState.DEAD)
            {
                visitor.entry(scanKey, backend, scanView.state(), ttl);
            }
        }
        return slot >= total ? 0 : slot;
    }

    /** {@return slots in the table: the bound of {@link #scan}} */
    public int slotCount()
    {
        return table.slotCount();
    }

    /** The Service port behind the key's destination, or null when this balancer has no such frontend. */
    private static ServicePort servicePortOf(final Snapshot snapshot, final FlowKey key)
    {
        final Frontend frontend = snapshot.frontends.lookup(FlowKey.isIpv6(key.protocol), key.dstHi, key.dstLo,
            key.dstPort, FlowKey.ipProtocol(key.protocol));
        return frontend == null ? null : frontend.target;
    }

    /**
     * The listed backend with this address, or null. Service ports list tens of backends and this runs on the sync
     * thread, not per packet, so a scan is cheap enough.
     */
    private static Backend listed(final ServicePort sp, final long hi, final long lo, final int port)
    {
        for (int i = 0, n = sp.listedCount(); i < n; i++)
        {
            final Backend b = sp.listed(i);
            if (b.addrLo == lo && b.addrHi == hi && b.port == port)
            {
                return b;
            }
        }
        return null;
    }
}
