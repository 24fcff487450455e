package io.vipflow.conntrack;

import org.agrona.UnsafeApi;

import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * An off-heap, fixed-capacity, set-associative table of flows: the connection table.
 * <p>
 * A flow's hash names two buckets of {@link #WAYS} ways, a home way in the first and a second home way in the
 * second ({@link ConnTableLayout} draws the layout). A bucket is one line of {@link #WAYS} header words (status,
 * version and tag of each way) followed by {@link #WAYS} slot lines (key, meta, backend, creation time). 72 bytes per
 * flow (a slot line and a header word); the table allocates {@code capacity / 0.75} slots. No probing past the two
 * buckets means a removed slot goes straight back to EMPTY: there are no tombstones and no rehash, and a full bucket
 * is handled by eviction ({@link #getOrCreate}).
 * <p>
 * Cache lines per lookup, and how many wait for an earlier one ("levels": loads issued together, their addresses
 * known at once, are one level). Where flows lie ({@code ConnTableLayoutTest}, 100,000 flows) at the benchmarks'
 * sizing (the table twice the flows) and at the design load (capacity flows):
 * <ul>
 * <li>hit in the home way (77 % / 55 % of flows): the home header line and the home slot line, both addressed by the
 * hash: 2 lines, 1 level;</li>
 * <li>hit in another way of the first bucket (8 % / 21 %): those 2 (the home slot line wasted), then the slot line
 * the header's tags point to: 3 lines, 2 levels;</li>
 * <li>hit in the second home way (12 % / 15 %): the first 2, then the second bucket's header line and the second home
 * slot line together (both from the hash: {@link #lookup} loads the slot line as soon as the home way has not held
 * the key, and the scan of the first bucket, which is cached, reaches the second bucket's header at once): 4 lines,
 * 2 levels;</li>
 * <li>hit in another way of the second bucket (3 % / 9 %): the first 2, the second bucket's header line and second
 * home slot line, then the slot line: 5 lines, 3 levels;</li>
 * <li>the classifier, for a packet that does not open a flow when the table is larger than the caches (8 MiB), loads
 * the second bucket's header line and the second home slot line beside the home lines: every such lookup then loads
 * those 4 lines at the first level, a hit in the second home way needs 1 level and one elsewhere in the second bucket
 * 2;</li>
 * <li>miss: a packet that opens a flow (the classifier passes {@link #EXPECT_MISS} for a TCP SYN and loads the second
 * bucket's header line beside the first two): the two header lines and the home slot line, 3 lines, 1 level (a key
 * compare reads no other slot line unless its 32-bit tag matches); any other miss: those 3 and the second home
 * slot line, 4 lines, 2 levels. A miss that meets the key's own expired entry stops there, in whichever way: a key
 * has one entry at most, so the ways after it are not read (a client back on the same ports after its entry ran out,
 * the entry at home: the home header and slot lines, and a SYN's second header line loaded ahead, 1 level);</li>
 * <li>insert after a miss: no line read again before the claim (the miss has decided the way, {@link Placement});
 * the claim's CAS on its header word, the race check's reading of both header lines (cached since the miss), and
 * the slot line written (the home slot line when it is free, which the miss has already loaded): no new line
 * unless the way is not the home way; eviction reads slot lines of a full bucket until it meets an expired
 * entry. A way taken from the key's own expired entry or from an eviction's victim is claimed in the store that
 * removes the entry, with no CAS of its own.</li>
 * </ul>
 * A batch ({@link #firstBucket}, {@link #secondBucket}, {@link #homeSlot}, {@link #slotHint}, {@link #touchLine})
 * loads the first level of many lookups together (both header lines and the home slot line of each) and then the
 * slot lines of those not at home: 2 levels for the batch, whichever way each flow lies in. A lookup given the slot
 * its batch found loads no line beyond those.
 * <p>
 * Concurrency: any number of threads may call every method at once; there are no locks.
 * <ul>
 * <li>A slot is claimed by CAS of its header EMPTY→BUSY, filled with plain stores, and published by a release
 * store of LIVE; readers load the header with acquire, read the slot, then re-read the header after an acquire
 * fence and discard what they read if it changed (a seqlock on the version).</li>
 * <li>The meta word serialises every change of a live entry: a state change is a CAS on meta, and removal
 * (delete, expiry, eviction) first CASes meta to {@link ConnState#DEAD}. So exactly one thread removes an entry,
 * a state change and a removal never both succeed, and the {@link RemovalListener} hears of each removal
 * once, with the last state: exact active/inactive counts follow. Each removal's CAS expects the meta word its
 * decision was made on (expired, or evictable by state), so an entry whose state or deadline changed in between
 * (an embryonic flow that became ESTABLISHED) is not removed.</li>
 * <li>Two threads creating the same flow at once are reconciled so that exactly one entry wins and both see
 * its backend (see {@link #getOrCreate}); only creators of keys with the same tag ever wait for each other,
 * and only for the few stores it takes to fill a slot.</li>
 * <li>Meta carries the slot version, so a thread holding a stale view can never change or remove the entry
 * of another flow that reused the slot.</li>
 * </ul>
 * Times are caller-supplied nanoseconds on one clock (packet capture time, {@link System#nanoTime()}, or epoch
 * nanoseconds for a table that outlives the process).
 * <p>
 * An application opens, inspects, reads and closes tables ({@link #mapped}, {@link #inspect}, {@link #readSlot},
 * {@link #slotCount}, {@link #countLive}, {@link #close}) and hands them to a {@code Classifier}; the lookup,
 * insert, update, delete, sweep and batch steps are the classifier's, are left out of the javadoc and are not API
 * (docs/API.md).
 * <p>
 * This class is longer than the rest of the code base on purpose: claiming, publishing, race resolution and
 * removal form one protocol over one memory layout, and a reader checking it must see every step in one place.
 */
public final class ConnTable implements AutoCloseable
{
    /**
     * Entries per bucket.
     * @hidden
     */
    public static final int WAYS = ConnTableLayout.WAYS;
    /**
     * Bytes per bucket.
     * @hidden
     */
    public static final int BUCKET_BYTES = ConnTableLayout.BUCKET_BYTES;

    static final int SRC_LO = ConnTableLayout.SRC_LO;
    private static final int SRC_HI = ConnTableLayout.SRC_HI;
    private static final int DST_HI = ConnTableLayout.DST_HI;
    private static final int DST_LO = ConnTableLayout.DST_LO;
    private static final int PORTS = ConnTableLayout.PORTS;
    private static final int META = ConnTableLayout.META;
    private static final int BACKEND = ConnTableLayout.BACKEND;
    private static final int CREATED_AT = ConnTableLayout.CREATED_AT;

    static final long EMPTY = 0;
    static final long BUSY = 1;
    static final long LIVE = 2;
    static final long STATUS_MASK = 0xFF;
    static final long VERSION_MASK = 0xFF_FFFFL;

    /**
     * A lookup's slot hint saying that the caller expects no entry for the key (a packet that opens a flow, or a
     * batch whose {@link #slotHint} found no live way with the key's tag): the lookup then does not load the second
     * home way's slot line before it knows the key is there, a line a miss would not otherwise read.
     * @hidden
     */
    public static final int EXPECT_MISS = -2;

    /**
     * getOrCreate: an entry for the key already existed and is returned in the view.
     * @hidden
     */
    public static final int EXISTING = 0;
    /**
     * getOrCreate: a new entry was created with the proposed values.
     * @hidden
     */
    public static final int CREATED = 1;
    /**
     * getOrCreate: the bucket held only established flows; nothing was stored.
     * @hidden
     */
    public static final int FULL = 2;

    /**
     * Hears of every entry removed, once, from the thread that removed it. Must not block.
     * @hidden
     */
    @FunctionalInterface
    public interface RemovalListener
    {
        /** Removed because it expired. */
        int EXPIRED = 0;
        /** Removed by a packet (a closing TCP flow) or a caller. */
        int DELETED = 1;
        /** Removed to make room for a new entry. */
        int EVICTED = 2;

        /**
         * @param backendId the entry's backend
         * @param state     the entry's last state
         * @param cause     {@link #EXPIRED}, {@link #DELETED} or {@link #EVICTED}
         */
        void onRemoved(int backendId, int state, int cause);

        /**
         * Removed by {@link #getOrCreate} to take its way for a new entry, which is now published (the call returns
         * {@link #CREATED}): called instead of {@link #onRemoved}, from the creating thread, after the publish. The
         * creator finds the removed entry in its view ({@link ConnView#replaced()}), so that it can account for the
         * removal and the creation together (a flow that replaces its own expired entry on the same backend changes
         * no count). By default the same as {@link #onRemoved}.
         *
         * @param backendId the removed entry's backend
         * @param state     the removed entry's last state
         * @param cause     {@link #EXPIRED} or {@link #EVICTED}
         */
        default void onReplaced(int backendId, int state, int cause)
        {
            onRemoved(backendId, state, cause);
        }
    }

    private static final RemovalListener IGNORE = (backendId, state, cause) ->
    {
    };
    private static final int SPINS_BEFORE_YIELD = 64;

    private final ConnTableMemory memory;
    /** Address of the first bucket; the table's bytes are {@code [address, address + limit)}. */
    private final long address;
    private final int limit;
    private final int buckets;
    private final boolean readOnly;
    /** Set once by {@link #close}, before the memory is freed; every method that reads the memory checks it. */
    private volatile boolean closed;
    private volatile RemovalListener listener = IGNORE;

    /**
     * An anonymous table in direct memory.
     *
     * @param capacity the number of flows to hold; the table allocates {@code capacity / 0.75} slots rounded up
     *                 to whole buckets, so that buckets rarely fill
     * @throws IllegalStateException when the JVM was started without the option Agrona needs
     *                               ({@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}); so do
     *                               {@link #mapped} and {@link #inspect}
     */
    public ConnTable(final int capacity)
    {
        this(anonymousMemory(capacity));
    }

    private static ConnTableMemory anonymousMemory(final int capacity)
    {
        AgronaAccess.require();
        return ConnTableMemory.anonymous(capacity);
    }

    private ConnTable(final ConnTableMemory memory)
    {
        this.memory = memory;
        this.address = memory.buffer.addressOffset();
        this.limit = memory.buffer.capacity();
        this.buckets = memory.buckets;
        this.readOnly = memory.readOnly;
    }

    /**
     * A table in a memory-mapped file, created for {@code capacity} flows if the file does not exist, otherwise
     * opened with the entries it holds (a restarted process keeps its flows). Lookups cost the same as in an
     * anonymous table: the same code runs over the mapping. Slots left half-written by a process that was killed
     * are cleared. One table at a time may have a file open for writing (it holds a lock on the file until
     * {@link #close}, or until its process dies); others use {@link #inspect}.
     * <p>
     * The table holds no counters: a {@code Classifier} built over it recounts its entries.
     *
     * @throws IllegalStateException when another table, in this process or another, has the file open for writing
     * @param file     the table file
     * @param capacity flows, when the file is created; an existing file keeps its own
     * @return the table, owned by the caller (or the classifier it is given to)
     */
    public static ConnTable mapped(final Path file, final int capacity)
    {
        AgronaAccess.require();
        final ConnTable table = new ConnTable(ConnTableMemory.mapped(file, capacity));
        table.recoverAfterCrash();
        return table;
    }

    /**
     * Maps a table file read-only, for dumps while another process runs it. Mutators throw.
     *
     * @param file the table file
     * @return a read-only table
     */
    public static ConnTable inspect(final Path file)
    {
        AgronaAccess.require();
        return new ConnTable(ConnTableMemory.inspect(file));
    }

    /**
     * Sets the listener for removals. Call before the table is shared.
     *
     * @param l the listener
     * @hidden
     */
    public void removalListener(final RemovalListener l)
    {
        listener = l == null ? IGNORE : l;
    }

    /** {@return slots in the table (buckets × ways)} */
    public int slotCount()
    {
        return buckets * WAYS;
    }

    /**
     * Off-heap bytes a table of {@code capacity} flows reserves (a mapped file adds one page of header).
     *
     * @param capacity flows, as for {@link #ConnTable(int)}
     * @return bytes of the buckets, plus the cache line an anonymous table spends on alignment
     */
    public static long bytesFor(final int capacity)
    {
        return ConnTableLayout.bytes(ConnTableMemory.bucketsFor(capacity)) + ConnTableLayout.LINE;
    }

    /** {@return off-heap bytes used by the buckets} */
    public long bytes()
    {
        return ConnTableLayout.bytes(buckets);
    }

    /**
     * Finds the live (not expired, not being removed) entry for the key.
     *
     * @param key      the flow's key
     * @param nowNanos the current time, on the table's clock
     * @param view     receives the entry
     * @return true and the entry in {@code view}, or false when there is none
     * @hidden
     */
    public boolean lookup(final FlowKey key, final long nowNanos, final ConnView view)
    {
        return lookup(key, -1, nowNanos, view);
    }

    /**
     * {@link #lookup(FlowKey, long, ConnView)} that tries the slot of {@link #slotHint} first (a batch has found
     * it already) and scans the buckets only when the hint is -1, {@link #EXPECT_MISS} or wrong. A hint that is no
     * slot of this table is ignored.
     *
     * @param key      the flow's key
     * @param slotHint from {@link #slotHint}, -1 for none, or {@link #EXPECT_MISS}
     * @param nowNanos the current time, on the table's clock
     * @param view     receives the entry
     * @return true and the entry in {@code view}, or false when there is none
     * @hidden
     */
    public boolean lookup(final FlowKey key, final int slotHint, final long nowNanos, final ConnView view)
    {
        checkOpen();
        final long hash = key.hash;
        final int tag = ConnSlots.tagOf(hash);
        final int b1 = ConnTableLayout.firstBucket(hash, buckets);
        final int home = ConnTableLayout.homeWay(tag);
        // The home way first. Its header word and its slot line are both addressed by the hash alone, so the
        // processor has both loads in flight together (the branch on the header is predicted, not waited for).
        // The rest is a method of its own so that this part stays small enough to inline into the caller.
        final int homeIndex = ConnTableLayout.headerIndex(b1, home);
        final long homeHeader = getLongAcquire(homeIndex);
        final int atHome = readLive(homeIndex, homeHeader, ConnTableLayout.slot(b1, home), tag, key, nowNanos, view);
        if (atHome == FOUND)
        {
            return true;
        }
        if (atHome == EXPIRED)
        {
            return missAtOwnExpired(key, home, view);
        }
        if (slotHint == -1)
        {
            // Not at home: the second home way's slot line is loaded now, while the first bucket is scanned, so that a
            // flow there waits on memory twice (this and the second bucket's header line), not three times. Nothing
            // waits for the word; it goes to the view only so that the load is not dropped. Not with a hint: a batch
            // has loaded the line its hint names, and a line loaded here for nothing would hold the processor's
            // reorder window until memory answers, stalling the batch's next packets.
            view.touched = getLong(secondHomeSlot(key));
        }
        return
            lookupElsewhere(key, tag, b1, atHome == CHANGED ? -1 : home, homeHeader, slotHint,
                nowNanos, view);
    }

    /**
     * A lookup met the key's own entry, expired, in candidate {@code way} (now in the view). That is the key's only
     * entry: a new entry of a key is published only after every other entry of the key is removed
     * ({@link #resolveRace}), and a refresh keeps an entry where it is. So the lookup misses without reading the ways
     * after it, and leaves in the {@link Placement} the decision a full reading would have reached: a new entry takes
     * this way, removing the expired entry with a CAS on the meta word read here ({@link #placedWay}), then checks both
     * buckets for rivals as after any claim. Had the entry been refreshed or removed meanwhile, that CAS fails and
     * {@link #getOrCreate} reads both buckets.
     */
    private static boolean missAtOwnExpired(final FlowKey key, final int way, final ConnView view)
    {
        final int tag = ConnSlots.tagOf(key.hash);
        final Placement place = view.placement;
        place.start(ConnTableLayout.homeWay(tag), ConnTableLayout.secondHomeWay(tag));
        place.expired(way, view);
        place.keepFor(key.hash);
        return false;
    }

    /**
     * The rest of {@link #lookup}: the hinted slot, then every way of both buckets but {@code skipWay} (whose header
     * the caller read as {@code skippedHeader}, and which does not hold the key). A miss has then seen every header of
     * both buckets: it leaves in the view's
     * {@link Placement} the way a new entry for the key would take, so that {@link #getOrCreate} right after it
     * need not read them all again.
     */
    private boolean lookupElsewhere(final FlowKey key, final int tag, final int b1, final int skipWay,
        final long skippedHeader, final int slotHint, final long nowNanos, final ConnView view)
    {
        final int b2 = ConnTableLayout.secondBucket(key.hash, buckets);
        final int candidates = b1 == b2 ? WAYS : 2 * WAYS;
        if (ConnTableLayout.isSlot(slotHint, buckets) &&
            slotHint != ConnTableLayout.slot(b1, ConnTableLayout.homeWay(tag)) &&
            readLive(ConnTableLayout.headerOfSlot(slotHint), getLongAcquire(ConnTableLayout.headerOfSlot(slotHint)),
                slotHint, tag, key, nowNanos, view) == FOUND)
        {
            return true;
        }
        if (slotHint != EXPECT_MISS && findByTag(key, tag, b1, b2, candidates, skipWay, nowNanos, view))
        {
            return true;
        }
        final int home = ConnTableLayout.homeWay(tag);
        final Placement place = view.placement;
        place.start(home, ConnTableLayout.secondHomeWay(tag));
        if (skipWay >= 0)
        {
            place.see(skipWay, skippedHeader);
        }
        int skip = skipWay;
        for (int c = 0; c < candidates; c++)
        {
            if (c == skip)
            {
                continue;
            }
            final int headerIndex = ConnTableLayout.headerAt(b1, b2, c);
            final long header = getLongAcquire(headerIndex);
            place.see(c, header);
            final int found = readLive(headerIndex, header, ConnTableLayout.slotAt(b1, b2, c), tag, key, nowNanos,
                view);
            if (found == FOUND)
            {
                return true;
            }
            if (found == EXPIRED)
            {
                return missAtOwnExpired(key, c, view);
            }
            if (found == CHANGED)
            {
                skip = -1;
                place.start(home, ConnTableLayout.secondHomeWay(tag));
                c = -1; // the slot changed under us: scan both buckets again
            }
        }
        place.decide();
        place.keepFor(key.hash);
        return false;
    }

    /**
     * The hit path of {@link #lookupElsewhere}: a packet of a flow that is most likely here (not one that opens a flow)
     * finds its way by the tag alone, without the placement's bookkeeping that only a miss needs. True when the
     * live entry is now in the view; false sends the caller to the full scan (a miss, the key's expired entry, a way
     * with the tag and another key, or a way that changed while it was read).
     */
    private boolean findByTag(final FlowKey key, final int tag, final int b1, final int b2, final int candidates,
        final int skipWay, final long nowNanos, final ConnView view)
    {
        for (int c = 0; c < candidates; c++)
        {
            final int headerIndex = ConnTableLayout.headerAt(b1, b2, c);
            final long header = getLongAcquire(headerIndex);
            if (c != skipWay && (int)(header >>> 32) == tag && (header & STATUS_MASK) == LIVE)
            {
                return readLive(headerIndex, header, ConnTableLayout.slotAt(b1, b2, c), tag, key, nowNanos, view) ==
                    FOUND;
            }
        }
        return false;
    }

    private static final int FOUND = 0;
    private static final int NOT_HERE = 1;
    private static final int CHANGED = 2;
    private static final int EXPIRED = 3;

    /**
     * Reads one way for {@link #lookup}, whose header the caller has just loaded with acquire: FOUND fills the
     * view, and so does EXPIRED (the key's entry, expired and not yet removed); CHANGED means the slot changed while
     * it was read.
     */
    private int readLive(final int headerIndex, final long header, final int slot, final int tag, final FlowKey key,
        final long nowNanos, final ConnView view)
    {
        if ((header & STATUS_MASK) != LIVE || (int)(header >>> 32) != tag || !keyEquals(slot, key))
        {
            return NOT_HERE;
        }
        // Seqlock read: the caller's acquire load of the header keeps these loads after it; the acquire fence keeps
        // them before the header's second load, so an unchanged header proves they belong to one entry. Between the
        // two, the loads need no ordering of their own.
        final long meta = getLong(slot + META);
        final int backendId = getInt(slot + BACKEND);
        final long created = getLong(slot + CREATED_AT);
        VarHandle.acquireFence();
        if (getLongVolatile(headerIndex) != header)
        {
            return CHANGED;
        }
        if (ConnSlots.stateOf(meta) == ConnState.DEAD)
        {
            return NOT_HERE;
        }
        view.set(slot, headerIndex, header, meta, backendId, created);
        return ConnSlots.expiredAt(meta, view.nowMillis.floorMillis(nowNanos)) ? EXPIRED : FOUND;
    }

    /**
     * {@return offset of the key's first bucket (its header line), for {@link #touchLine}}
     *
     * @param key the flow's key
     * @hidden
     */
    public int firstBucket(final FlowKey key)
    {
        return ConnTableLayout.firstBucket(key.hash, buckets);
    }

    /**
     * {@return offset of the key's home slot line (its home way in the first bucket), for {@link #touchLine}}
     *
     * @param key the flow's key
     * @hidden
     */
    public int homeSlot(final FlowKey key)
    {
        return ConnTableLayout.slot(ConnTableLayout.firstBucket(key.hash, buckets),
            ConnTableLayout.homeWay(ConnSlots.tagOf(key.hash)));
    }

    /**
     * {@return offset of the key's second home slot line (its second home way in the second bucket), for
     * {@link #touchLine}}
     *
     * @param key the flow's key
     * @hidden
     */
    public int secondHomeSlot(final FlowKey key)
    {
        return ConnTableLayout.slot(ConnTableLayout.secondBucket(key.hash, buckets),
            ConnTableLayout.secondHomeWay(ConnSlots.tagOf(key.hash)));
    }

    /**
     * {@return offset of the key's second bucket (its header line), for {@link #touchLine}}
     *
     * @param key the flow's key
     * @hidden
     */
    public int secondBucket(final FlowKey key)
    {
        return ConnTableLayout.secondBucket(key.hash, buckets);
    }

    /**
     * The offset of the slot line of a live way whose tag matches the key (the home way if it does, else the first
     * that does), or -1 when none does. Reads only the two header lines (which {@link #touchLine} should have
     * brought into cache) and does not touch the slot, so that a batch can find every packet's slot first and then
     * load all of them in one short loop ({@link #touchLine}), keeping all those misses in flight together.
     *
     * @param key the flow's key
     * @return the slot line's offset, or -1
     * @hidden
     */
    public int slotHint(final FlowKey key)
    {
        checkOpen();
        final int tag = ConnSlots.tagOf(key.hash);
        final int b1 = ConnTableLayout.firstBucket(key.hash, buckets);
        final int home = ConnTableLayout.homeWay(tag);
        if (liveWithTag(getLong(ConnTableLayout.headerIndex(b1, home)), tag))
        {
            return ConnTableLayout.slot(b1, home);
        }
        final int b2 = ConnTableLayout.secondBucket(key.hash, buckets);
        for (int c = 0; c < 2 * WAYS; c++)
        {
            if (liveWithTag(getLong(ConnTableLayout.headerAt(b1, b2, c)), tag))
            {
                return ConnTableLayout.slotAt(b1, b2, c);
            }
        }
        return -1;
    }

    private static boolean liveWithTag(final long header, final int tag)
    {
        return (header & STATUS_MASK) == LIVE && (int)(header >>> 32) == tag;
    }

    /**
     * Loads the first word of the cache line at {@code offset} (from {@link #firstBucket}, {@link #secondBucket}
     * or {@link #slotHint}) and returns it; 0 for -1 or an offset outside the table. Called for many packets before
     * looking any of them up, so that their cache misses overlap; the caller keeps the result alive (sums it into a
     * field).
     *
     * @param offset a line's offset, or -1
     * @return the word loaded
     * @hidden
     */
    public long touchLine(final int offset)
    {
        checkOpen();
        return offset < 0 || offset > limit - Long.BYTES ? 0 : getLong(offset);
    }

    /**
     * Atomic get-or-create: returns the live entry for the key if there is one ({@link #EXISTING}); otherwise
     * stores a new entry with the proposed backend, state and expiry ({@link #CREATED}). When two threads race
     * on the same new key, one creates and the other gets {@link #EXISTING} with the winner's backend.
     * <p>
     * When the bucket has no free way, one entry is evicted, in this order: an expired entry, then the one
     * expiring first among TCP entries not ESTABLISHED (embryonic or closing), then among UDP/SCTP/affinity
     * entries. ESTABLISHED TCP entries are never evicted: then the result is {@link #FULL}.
     * <p>
     * Protocol for concurrent creators of one key: after claiming a slot a creator scans the bucket again.
     * If it sees another claimed slot with the same tag at a lower way, it releases its own and retries; if
     * the other is at a higher way, it waits until that one is published (then compares keys) or released.
     * A published entry always wins. So exactly one entry for a key is ever live, and a creator waits only
     * for a creator of the same tag.
     *
     * @param key      the flow's key
     * @param backendId   the backend of a new entry
     * @param state       the state of a new entry
     * @param expiryNanos the expiry of a new entry
     * @param nowNanos the current time, on the table's clock
     * @param view        receives the entry, existing or new
     * @return {@link #EXISTING}, {@link #CREATED} or {@link #FULL}
     * @hidden
     */
    public int getOrCreate(final FlowKey key, final int backendId, final int state, final long expiryNanos,
        final long nowNanos, final ConnView view)
    {
        checkWritable();
        final int tag = ConnSlots.tagOf(key.hash);
        final int b1 = ConnTableLayout.firstBucket(key.hash, buckets);
        final int b2 = ConnTableLayout.secondBucket(key.hash, buckets);
        final int candidates = b1 == b2 ? WAYS : 2 * WAYS;
        final Placement place = view.placement;
        // Right after a lookup of this key missed, its reading of both buckets decides the way (Placement); the
        // claim's CAS and resolveRace check what changed since, as they do after a scan.
        boolean afterMiss = place.take(key.hash);
        view.replaced = false;
        while (true)
        {
            int way = afterMiss ? placedWay(tag, view) : scan(key, b1, b2, candidates, tag, nowNanos, view);
            afterMiss = false;
            if (way == Placement.NONE)
            {
                way = evict(b1, b2, candidates, tag, nowNanos, view);
                if (way == NO_VICTIM)
                {
                    return FULL;
                }
            }
            if (way == WAY_EXISTING)
            {
                return EXISTING;
            }
            if (way < 0)
            {
                // WAY_RETRY, the one code left; tested as any negative so that no code can become an offset.
                continue;
            }
            final int headerIndex = ConnTableLayout.headerAt(b1, b2, way);
            // The way's header once this thread holds it (BUSY with the key's tag), else 0: the way is free, with
            // the header the placement read, and is claimed here by CAS.
            long busy = view.header;
            if (busy == 0)
            {
                final long free = place.header;
                busy = claim(free, tag);
                if (!compareAndSetLong(headerIndex, free, busy))
                {
                    continue;
                }
            }
            final int outcome = resolveRace(b1, b2, candidates, way, busy, tag, key, nowNanos, view);
            if (outcome == RACE_WON)
            {
                publish(ConnTableLayout.slotAt(b1, b2, way), headerIndex, busy, key, backendId, state, expiryNanos,
                    nowNanos, view);
                if (view.replaced)
                {
                    listener.onReplaced(view.replacedBackendId, view.replacedState, view.replacedCause);
                }
                return CREATED;
            }
            // The way is given up (a rival published first, or holds a lower way): an entry removed for it is a
            // removal of its own.
            if (view.replaced)
            {
                view.replaced = false;
                listener.onRemoved(view.replacedBackendId, view.replacedState, view.replacedCause);
            }
            if (outcome == RACE_LOST)
            {
                return EXISTING;
            }
        }
    }

    /*
     * What the steps of getOrCreate return instead of a way: Placement.NONE (-1, no way is free: evict),
     * NO_VICTIM (below), and these two.
     */
    /** {@link #scan}: the key has a live entry, now in the view. */
    private static final int WAY_EXISTING = -3;
    /** {@link #scan}, {@link #placedWay}, {@link #evict}: something changed under the reading; look again. */
    private static final int WAY_RETRY = -4;

    /**
     * The way a lookup's miss chose for the key ({@link Placement}), as {@link #scan} returns it: when the miss met
     * the key's own expired entry, that entry is removed (only if it is still exactly as the lookup read it) and its
     * way taken.
     */
    private int placedWay(final int tag, final ConnView view)
    {
        final Placement place = view.placement;
        if (place.expiredWay < 0)
        {
            view.header = 0;
            return place.way;
        }
        view.set(place.expiredSlot, place.expiredHeaderIndex, place.expiredHeader, place.expiredMeta,
            place.expiredBackendId, 0);
        final long claimed = retireIntoClaim(view, tag, RemovalListener.EXPIRED);
        if (claimed == 0)
        {
            return WAY_RETRY;
        }
        view.header = claimed;
        return place.expiredWay;
    }

    /**
     * Reads both buckets for an insert of {@code key}. Returns {@link #WAY_EXISTING} when the key is live (its entry
     * in the view), {@link #WAY_RETRY} when a way changed under the reading, or the way to take: the way of the key's
     * own expired entry, removed and held by this thread ({@code view.header} its BUSY header), or the way
     * {@link Placement} chose, free ({@code view.header} 0, {@code placement.header} its header), or
     * {@link Placement#NONE} when no way is free.
     */
    private int scan(final FlowKey key, final int b1, final int b2, final int candidates, final int tag,
        final long nowNanos, final ConnView view)
    {
        final Placement place = view.placement;
        place.start(ConnTableLayout.homeWay(tag), ConnTableLayout.secondHomeWay(tag));
        for (int c = 0; c < candidates; c++)
        {
            final int headerIndex = ConnTableLayout.headerAt(b1, b2, c);
            final long header = getLongAcquire(headerIndex);
            place.see(c, header);
            final long status = header & STATUS_MASK;
            if (status == EMPTY || (int)(header >>> 32) != tag)
            {
                continue;
            }
            if (status == BUSY)
            {
                awaitChange(headerIndex, header);
                return WAY_RETRY;
            }
            final int match = matchLive(headerIndex, ConnTableLayout.slotAt(b1, b2, c), header, key, nowNanos, view);
            if (match == MATCH_LIVE)
            {
                return WAY_EXISTING;
            }
            if (match == MATCH_CHANGED)
            {
                return WAY_RETRY;
            }
            if (match == MATCH_EXPIRED)
            {
                // The key's own expired entry: gone and its way ours at once rather than after a scan of both buckets
                // again (a creator that raced us is met by resolveRace like any other).
                final long claimed = retireIntoClaim(view, tag, RemovalListener.EXPIRED);
                if (claimed != 0)
                {
                    view.header = claimed;
                    return c;
                }
            }
        }
        place.decide();
        view.header = 0;
        return place.way;
    }

    /** Writes a new entry into the slot this thread holds and makes it live (release). */
    private void publish(final int slot, final int headerIndex, final long busy, final FlowKey key,
        final int backendId, final int state, final long expiryNanos, final long nowNanos, final ConnView view)
    {
        putLong(slot + SRC_HI, key.srcHi);
        putLong(slot + SRC_LO, key.srcLo);
        putLong(slot + DST_HI, key.dstHi);
        putLong(slot + DST_LO, key.dstLo);
        putLong(slot + PORTS, ConnSlots.packPorts(key));
        final long meta = ConnSlots.packMeta(state, (busy >>> 8) & VERSION_MASK, expiryNanos);
        putLong(slot + META, meta);
        putInt(slot + BACKEND, backendId);
        putLong(slot + CREATED_AT, nowNanos);
        final long live = (busy & ~STATUS_MASK) | LIVE;
        // Release: a reader that sees LIVE (with acquire) sees every store above.
        putLongRelease(headerIndex, live);
        view.set(slot, headerIndex, live, meta, backendId, nowNanos);
    }

    private static final int RACE_WON = 0;
    private static final int RACE_LOST = 1;
    private static final int RACE_RETRY = 2;

    /**
     * After claiming {@code mine}: make sure no other creator of the same key published or will publish, and that
     * no expired entry of the key stays beside the new one. Only the key's tag is visible in a claimed slot, so a
     * claimed slot with our tag counts as a rival.
     */
    private int resolveRace(final int b1, final int b2, final int candidates, final int mine, final long myHeader,
        final int tag, final FlowKey key, final long nowNanos, final ConnView view)
    {
        final int myIndex = ConnTableLayout.headerAt(b1, b2, mine);
        for (int c = 0; c < candidates; c++)
        {
            if (c == mine)
            {
                continue;
            }
            final int headerIndex = ConnTableLayout.headerAt(b1, b2, c);
            while (true)
            {
                final long header = getLongAcquire(headerIndex);
                if ((header & STATUS_MASK) == EMPTY || (int)(header >>> 32) != tag)
                {
                    break;
                }
                if ((header & STATUS_MASK) == BUSY)
                {
                    if (c < mine)
                    {
                        // Release, as every store that frees a way: nothing of the slot was written yet, so what
                        // it orders is only this thread's reads of the buckets, which decided to give the way up.
                        putLongRelease(myIndex, ConnSlots.emptied(myHeader));
                        return RACE_RETRY;
                    }
                    awaitChange(headerIndex, header);
                    continue;
                }
                final int match = matchLive(headerIndex, ConnTableLayout.slotAt(b1, b2, c), header, key, nowNanos,
                    view);
                if (match == MATCH_LIVE)
                {
                    // Release, as above: the slot holds nothing of ours yet.
                    putLongRelease(myIndex, ConnSlots.emptied(myHeader));
                    return RACE_LOST;
                }
                if (match == MATCH_CHANGED)
                {
                    continue;
                }
                if (match == MATCH_EXPIRED)
                {
                    // The key's entry, expired since the buckets were read: remove it so the key never has two
                    // entries (a refresh that beat us makes it live again, and the next read loses to it).
                    retire(view, RemovalListener.EXPIRED);
                    continue;
                }
                break;
            }
        }
        return RACE_WON;
    }

    private static final int MATCH_NONE = 0;
    private static final int MATCH_LIVE = 1;
    private static final int MATCH_EXPIRED = 2;
    private static final int MATCH_CHANGED = 3;

    /** Compares a LIVE slot with the key; fills the view for MATCH_LIVE and MATCH_EXPIRED. */
    private int matchLive(final int headerIndex, final int slot, final long header, final FlowKey key,
        final long nowNanos, final ConnView view)
    {
        final boolean equal = keyEquals(slot, key);
        final long meta = getLongVolatile(slot + META);
        final int backendId = getInt(slot + BACKEND);
        final long created = getLong(slot + CREATED_AT);
        // Seqlock read, as in readLive: the caller's acquire load of the header keeps these loads after it, the fence
        // keeps them before the header's second load. The meta load is volatile as well because a creator acts on it
        // (a removal's CAS expects it), off the per-packet path.
        VarHandle.acquireFence();
        if (getLongVolatile(headerIndex) != header)
        {
            return MATCH_CHANGED;
        }
        if (!equal || ConnSlots.stateOf(meta) == ConnState.DEAD)
        {
            return MATCH_NONE;
        }
        view.set(slot, headerIndex, header, meta, backendId, created);
        return ConnSlots.expiredAt(meta, view.nowMillis.floorMillis(nowNanos)) ? MATCH_EXPIRED : MATCH_LIVE;
    }

    private static final int NO_VICTIM = -2;

    /**
     * Evicts one entry from two full buckets (see {@link #getOrCreate} for the order) and returns its candidate
     * index, {@link #WAY_RETRY} when a bucket changed and the caller should look again, or {@link #NO_VICTIM} when
     * every way holds an ESTABLISHED TCP flow. The way is the caller's, claimed for a key with {@code tag} as the entry
     * went ({@link #retireIntoClaim}): its BUSY header is left in {@code view.header}.
     */
    private int evict(final int b1, final int b2, final int candidates, final int tag, final long nowNanos,
        final ConnView view)
    {
        int best = NO_VICTIM;
        int bestRank = Integer.MAX_VALUE;
        // Milliseconds the best candidate has left; one conversion of the time for every candidate.
        long bestLeft = Long.MAX_VALUE;
        final long nowMillis = view.nowMillis.floorMillis(nowNanos);
        // The meta word the victim was ranked by: the removal's CAS expects it (below).
        long bestMeta = 0;
        for (int c = 0; c < candidates; c++)
        {
            final long header = getLongAcquire(ConnTableLayout.headerAt(b1, b2, c));
            if ((header & STATUS_MASK) != LIVE)
            {
                return WAY_RETRY;
            }
            final int slot = ConnTableLayout.slotAt(b1, b2, c);
            final long meta = getLongVolatile(slot + META);
            if (ConnSlots.expiredAt(meta, nowMillis))
            {
                // Any expired entry will do, and it is the best victim there is: stop reading slot lines.
                best = c;
                bestRank = 0;
                bestMeta = meta;
                break;
            }
            final int state = ConnSlots.stateOf(meta);
            if (state == ConnState.ESTABLISHED || state == ConnState.DEAD)
            {
                continue;
            }
            // Not expired, so its deadline lies ahead within the meta word's window: the time left orders the
            // candidates as their deadlines do, with no reading of the creation time.
            final long left = ConnSlots.millisLeft(meta, nowMillis);
            final int rank;
            if (ConnState.isTcp(state))
            {
                rank = 1;
            }
            else
            {
                rank = 2;
            }
            if (rank < bestRank || (rank == bestRank && left < bestLeft))
            {
                best = c;
                bestRank = rank;
                bestLeft = left;
                bestMeta = meta;
            }
        }
        if (best == NO_VICTIM)
        {
            return NO_VICTIM;
        }
        return takeVictim(b1, b2, best, bestMeta, bestRank == 0, tag, view);
    }

    /**
     * Removes the victim {@link #evict} ranked, candidate {@code best} with the meta word {@code bestMeta}, and holds
     * its way for a key with {@code tag}. Returns {@code best}, or {@link #WAY_RETRY} when the victim changed since it
     * was ranked.
     */
    private int takeVictim(final int b1, final int b2, final int best, final long bestMeta, final boolean expired,
        final int tag, final ConnView view)
    {
        final int headerIndex = ConnTableLayout.headerAt(b1, b2, best);
        final long header = getLongAcquire(headerIndex);
        final int slot = ConnTableLayout.slotAt(b1, b2, best);
        final long meta = getLongVolatile(slot + META);
        final int backendId = getInt(slot + BACKEND);
        VarHandle.acquireFence();
        // The victim must still be the entry as ranked, not only the same entry: its meta may have changed since
        // (a packet of the flow moving it to ESTABLISHED, or refreshing an expired-looking deadline), and the CAS
        // below, which expects the meta read here, would then remove an entry this eviction may not remove.
        if ((header & STATUS_MASK) != LIVE || meta != bestMeta || getLongVolatile(headerIndex) != header)
        {
            return WAY_RETRY;
        }
        view.set(slot, headerIndex, header, meta, backendId, 0);
        final int cause = expired ? RemovalListener.EXPIRED : RemovalListener.EVICTED;
        final long busy = retireIntoClaim(view, tag, cause);
        if (busy == 0)
        {
            return WAY_RETRY;
        }
        view.header = busy;
        return best;
    }

    /**
     * Sets an entry's state and expiry (one CAS on its meta word), and its backend. Fails (returns false) when the
     * entry was removed, reused or changed by another thread since the view was read; the view is refreshed on
     * success. A change of backend is meant for affinity records (it is a plain store, not atomic with the state);
     * connection entries keep the backend they were created with.
     *
     * @param view           the entry as last read
     * @param backendId      the backend to store
     * @param newState       the new state
     * @param newExpiryNanos the new expiry
     * @return true when the entry was changed
     * @hidden
     */
    public boolean update(final ConnView view, final int backendId, final int newState, final long newExpiryNanos)
    {
        checkWritable();
        checkView(view);
        final long oldMeta = view.meta;
        final long newMeta = ConnSlots.packMeta(newState, (oldMeta >>> 40) & ConnSlots.META_VERSION_MASK,
            newExpiryNanos);
        if (newMeta == oldMeta)
        {
            // Nothing to write; still fail for a stale view, so callers never take a dead entry for a live one. The
            // loads are volatile so that they are this call's own reads, never values the JIT kept from the lookup.
            return getLongVolatile(view.slot + META) == oldMeta &&
                getLongVolatile(view.headerIndex) == view.header && backendOrStore(view, backendId);
        }
        if (!compareAndSetLong(view.slot + META, oldMeta, newMeta))
        {
            return false;
        }
        view.meta = newMeta;
        return backendOrStore(view, backendId);
    }

    private boolean backendOrStore(final ConnView view, final int backendId)
    {
        if (backendId != view.backendId)
        {
            // Release: the store stays after the meta CAS (or check) that made it this entry's change, and the word
            // is stored whole, never torn or dropped by the compiler; a reader takes it inside its seqlock read.
            putIntRelease(view.slot + BACKEND, backendId);
            view.backendId = backendId;
        }
        return true;
    }

    /**
     * Deletes the entry the view was read from; false when it had already changed or gone.
     *
     * @param view the entry as last read
     * @return true when this call removed it
     * @hidden
     */
    public boolean delete(final ConnView view)
    {
        checkWritable();
        checkView(view);
        return retire(view, RemovalListener.DELETED);
    }

    /** The BUSY header with which a creator of a key with {@code tag} claims a way whose header is {@code free}. */
    private static long claim(final long free, final int tag)
    {
        return ((long)tag << 32) | (ConnSlots.nextVersion(free) << 8) | BUSY;
    }

    /**
     * {@link #retire} of an entry whose way a creator takes at once (the key's own expired entry, or an eviction's
     * victim): the header goes from the removed entry straight to the creator's claim ({@link #claim} of the freed
     * header, the versions a removal and a claim would give) in the one store that would otherwise free it. Only the
     * winner of the meta CAS writes the header, so no other creator can take the way in between and the claim needs
     * no CAS of its own.
     *
     * @return the claimed header, or 0 when the entry changed or went since the view was read
     */
    private long retireIntoClaim(final ConnView view, final int tag, final int cause)
    {
        final long meta = view.meta;
        if (ConnSlots.stateOf(meta) == ConnState.DEAD ||
            !compareAndSetLong(view.slot + META, meta, ConnSlots.withState(meta, ConnState.DEAD)))
        {
            return 0;
        }
        final long busy = claim(ConnSlots.emptied(view.header), tag);
        // Release: as in retire, the way changes hands only after the meta CAS above.
        putLongRelease(view.headerIndex, busy);
        // Reported when getOrCreate knows whether the way went to the new entry (onReplaced) or was given up
        // (onRemoved): a few stores later, from this thread, and exactly once either way.
        view.replaced = true;
        view.replacedBackendId = view.backendId;
        view.replacedState = ConnSlots.stateOf(meta);
        view.replacedCause = cause;
        return busy;
    }

    /**
     * Removes the entry read into the view: CAS meta to DEAD (the one point where removal is decided), then
     * free the slot. Only the winner of the meta CAS gets here, so the header is still the one read.
     */
    private boolean retire(final ConnView view, final int cause)
    {
        final long meta = view.meta;
        if (ConnSlots.stateOf(meta) == ConnState.DEAD ||
            !compareAndSetLong(view.slot + META, meta, ConnSlots.withState(meta, ConnState.DEAD)))
        {
            return false;
        }
        // Release: the slot is handed back (to the next claimer's CAS) only after the meta CAS above.
        putLongRelease(view.headerIndex, ConnSlots.emptied(view.header));
        listener.onRemoved(view.backendId, ConnSlots.stateOf(meta), cause);
        return true;
    }

    /**
     * Visits slots from {@code fromSlot} for at most {@code maxSlots} slots and removes the live entries that are
     * expired at {@code nowNanos} or that {@code purge} selects: bounded work per call, for an incremental sweeper.
     *
     * @param purge selects entries to remove although not expired (by backend and state), or null
     * @param fromSlot the slot to start at
     * @param maxSlots slots visited at most
     * @param nowNanos the current time, on the table's clock
     * @param scratch  a view the sweep may overwrite
     * @return the slot to continue from (0 after a full pass)
     * @hidden
     */
    public int sweep(final int fromSlot, final int maxSlots, final long nowNanos, final PurgePredicate purge,
        final ConnView scratch)
    {
        checkWritable();
        final int total = slotCount();
        final long nowMillis = ConnSlots.floorMillis(nowNanos);
        int slotNo = fromSlot;
        for (int n = 0; n < maxSlots && slotNo < total; n++, slotNo++)
        {
            final int base = ConnTableLayout.bucketOfSlotNumber(slotNo);
            final int way = ConnTableLayout.wayOfSlotNumber(slotNo);
            final int headerIndex = ConnTableLayout.headerIndex(base, way);
            final long header = getLongAcquire(headerIndex);
            if ((header & STATUS_MASK) != LIVE)
            {
                continue;
            }
            final int slot = ConnTableLayout.slot(base, way);
            final long meta = getLongVolatile(slot + META);
            final int backendId = getInt(slot + BACKEND);
            // Seqlock read, as in readLive: an unchanged header proves meta and backend belong to the entry judged.
            VarHandle.acquireFence();
            if (getLongVolatile(headerIndex) != header)
            {
                continue;
            }
            final boolean expired = ConnSlots.expiredAt(meta, nowMillis);
            if (expired || (purge != null && purge.purge(backendId, ConnSlots.stateOf(meta))))
            {
                scratch.set(slot, headerIndex, header, meta, backendId, 0);
                retire(scratch, expired ? RemovalListener.EXPIRED : RemovalListener.DELETED);
            }
        }
        return slotNo >= total ? 0 : slotNo;
    }

    /**
     * Selects entries for {@link #sweep} to remove. Must not block.
     * @hidden
     */
    @FunctionalInterface
    public interface PurgePredicate
    {
        /**
         * @param backendId the entry's backend
         * @param state     the entry's state
         * @return true to remove the entry
         */
        boolean purge(int backendId, int state);
    }

    /**
     * Expires entries; {@link #sweep} without a purge predicate.
     *
     * @param fromSlot the slot to start at
     * @param maxSlots slots visited at most
     * @param nowNanos the current time, on the table's clock
     * @return the slot to continue from (0 after a full pass)
     * @hidden
     */
    public int expire(final int fromSlot, final int maxSlots, final long nowNanos)
    {
        return sweep(fromSlot, maxSlots, nowNanos, null, new ConnView());
    }

    /**
     * Counts live entries by a full scan: for tests and tools, not the data path.
     *
     * @return the live entries
     */
    public int countLive()
    {
        checkOpen();
        int count = 0;
        for (int b = 0; b < buckets; b++)
        {
            for (int way = 0; way < WAYS; way++)
            {
                if ((getLongAcquire(ConnTableLayout.headerIndex(ConnTableLayout.bucket(b), way)) & STATUS_MASK) == LIVE)
                {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Reads one slot by number into the key and view if it holds a live entry; for dumps and tests.
     *
     * @param slotNo a slot number, {@code 0..slotCount()-1}
     * @param keyOut receives the entry's key
     * @param view   receives the entry
     * @return true when the slot holds a live entry
     */
    public boolean readSlot(final int slotNo, final FlowKey keyOut, final ConnView view)
    {
        checkOpen();
        final int base = ConnTableLayout.bucketOfSlotNumber(slotNo);
        final int way = ConnTableLayout.wayOfSlotNumber(slotNo);
        final int headerIndex = ConnTableLayout.headerIndex(base, way);
        final long header = getLongAcquire(headerIndex);
        if ((header & STATUS_MASK) != LIVE)
        {
            return false;
        }
        final int slot = ConnTableLayout.slot(base, way);
        final long ports = getLong(slot + PORTS);
        keyOut.set((int)(ports >>> 32) & 0x1FF, getLong(slot + SRC_HI), getLong(slot + SRC_LO),
            (int)(ports >>> 16) & 0xFFFF, getLong(slot + DST_HI), getLong(slot + DST_LO),
            (int)ports & 0xFFFF);
        view.set(slot, headerIndex, header, getLongVolatile(slot + META), getInt(slot + BACKEND),
            getLong(slot + CREATED_AT));
        // Seqlock read, as in readLive: the key and the view are one entry's only if the header did not change.
        VarHandle.acquireFence();
        return getLongVolatile(headerIndex) == header && view.state() != ConnState.DEAD;
    }

    /**
     * After a crash, slots may be left BUSY (claimed, never published) or LIVE with meta DEAD (removal cut
     * short). Nobody else has the file open yet, so they can simply be emptied.
     */
    private void recoverAfterCrash()
    {
        for (int b = 0; b < buckets; b++)
        {
            for (int way = 0; way < WAYS; way++)
            {
                final int headerIndex = ConnTableLayout.headerIndex(ConnTableLayout.bucket(b), way);
                // Volatile although no other thread can reach the table yet (the factory has not returned): recovery
                // runs once per open, off every hot path, and needs no argument about what a plain access may do.
                final long header = getLongVolatile(headerIndex);
                final long status = header & STATUS_MASK;
                final int slot = ConnTableLayout.slot(ConnTableLayout.bucket(b), way);
                if (status == BUSY || (status == LIVE && ConnSlots.stateOf(getLong(slot + META)) ==
                    ConnState.DEAD))
                {
                    putLongVolatile(headerIndex, ConnSlots.emptied(header));
                }
            }
        }
    }

    private boolean keyEquals(final int slot, final FlowKey key)
    {
        return getLong(slot + SRC_LO) == key.srcLo &&
            getLong(slot + PORTS) == ConnSlots.packPorts(key) &&
            getLong(slot + DST_LO) == key.dstLo &&
            getLong(slot + SRC_HI) == key.srcHi &&
            getLong(slot + DST_HI) == key.dstHi;
    }

    private void awaitChange(final int headerIndex, final long header)
    {
        int spins = 0;
        // Acquire, not plain: a plain load could be hoisted out of the loop by the compiler and spin for ever; the
        // acquire also keeps the caller's next reads of the way after the change this loop saw.
        while (getLongAcquire(headerIndex) == header)
        {
            if (++spins < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
    }

    /*
     * Raw accessors over the table's memory, without Agrona's per-access bounds check: every offset passed here comes
     * from ConnTableLayout for this table's bucket count, or is checked against the table first (a lookup hint by
     * isSlot, a view by checkView, touchLine by its own test), so a check per access only cost instructions on the
     * per-packet path (and made the lookup too large for the JIT to inline).
     */

    private long getLong(final int offset)
    {
        return UnsafeApi.getLong(null, address + offset);
    }

    private int getInt(final int offset)
    {
        return UnsafeApi.getInt(null, address + offset);
    }

    private long getLongAcquire(final int offset)
    {
        return UnsafeApi.getLongAcquire(null, address + offset);
    }

    private long getLongVolatile(final int offset)
    {
        return UnsafeApi.getLongVolatile(null, address + offset);
    }

    private void putLong(final int offset, final long value)
    {
        UnsafeApi.putLong(null, address + offset, value);
    }

    private void putInt(final int offset, final int value)
    {
        UnsafeApi.putInt(null, address + offset, value);
    }

    private void putIntRelease(final int offset, final int value)
    {
        UnsafeApi.putIntRelease(null, address + offset, value);
    }

    private void putLongRelease(final int offset, final long value)
    {
        UnsafeApi.putLongRelease(null, address + offset, value);
    }

    private void putLongVolatile(final int offset, final long value)
    {
        UnsafeApi.putLongVolatile(null, address + offset, value);
    }

    private boolean compareAndSetLong(final int offset, final long expected, final long value)
    {
        return UnsafeApi.compareAndSetLong(null, address + offset, expected, value);
    }

    /** A view is only ever filled by a table; one from a larger table must not reach outside this one. */
    private void checkView(final ConnView view)
    {
        if (view.slot < ConnTableLayout.LINE || view.slot > limit - ConnTableLayout.LINE || view.headerIndex < 0 ||
            view.headerIndex > limit - Long.BYTES)
        {
            throw new IllegalArgumentException("connection view not read from this table: slot " + view.slot);
        }
    }

    private void checkWritable()
    {
        checkOpen();
        if (readOnly)
        {
            throw readOnlyTable();
        }
    }

    /**
     * Every method that reads or writes the table's memory calls this first, so a call after {@link #close} throws
     * instead of reading freed memory. One volatile load of a field on the table's own (cached) object line.
     */
    private void checkOpen()
    {
        if (closed)
        {
            throw closedTable();
        }
    }

    private IllegalStateException closedTable()
    {
        return new IllegalStateException("connection table closed" + (memory.file == null ? "" : ": " + memory.file));
    }

    private IllegalStateException readOnlyTable()
    {
        return new IllegalStateException("connection table opened for inspection only: " + memory.file);
    }

    /**
     * Frees the memory (or unmaps the file and releases its lock) now; a second call does nothing. Every call
     * that starts after this one has returned throws {@link IllegalStateException}. No thread may still be inside
     * a call while the table closes: stop the threads that use it first.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            memory.free();
        }
    }
}
