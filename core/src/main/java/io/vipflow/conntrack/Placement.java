package io.vipflow.conntrack;

/**
 * Where a new entry of a {@link ConnTable} goes, decided from one reading of the header words of its two buckets:
 * its home way when that is free, unless its first bucket is already half full and fuller than the second;
 * otherwise a free way of the emptier bucket, in the second bucket its second home way when that is free
 * ({@link ConnTableLayout#secondHomeWay}: a lookup loads it with the second bucket's header). Two choices keep
 * buckets from overflowing: taking the home way regardless left 36 of 100,000 flows without a way at the design
 * load, this rule 3, the emptier bucket alone none. {@link #NONE} when both buckets are full.
 * <p>
 * A lookup that misses has read every header of both buckets, so it decides here and the {@link ConnView} keeps
 * the decision; {@link ConnTable#getOrCreate} for the same hash then claims that way at once (its CAS on the
 * header word, which carries a version, fails if the way changed meanwhile, and then it reads the buckets again)
 * instead of reading both header lines a second time. Owned by the thread that owns the view.
 */
final class Placement
{
    /** No free way in either bucket: a new entry needs an eviction. */
    static final int NONE = -1;

    /** The decided candidate ({@code 0..15}, as {@link ConnTableLayout#headerAt}) or {@link #NONE}. */
    int way;
    /** The EMPTY header word read at {@link #way}: the value its claiming CAS expects. */
    long header;
    /**
     * The candidate holding the key's own expired entry, or -1; that entry (as read) is in the fields below. A new
     * entry replaces it: it is removed (a CAS on exactly the meta word read, so it is removed only if unchanged)
     * and its way taken, so a key never has two entries.
     */
    int expiredWay;
    int expiredSlot;
    int expiredHeaderIndex;
    long expiredHeader;
    long expiredMeta;
    int expiredBackendId;
    private long hash;
    private boolean decided;

    private int home;
    private int home2;
    private boolean home2Free;
    private long home2Header;
    private int free1;
    private int free2;
    private long freeHeader1;
    private long freeHeader2;
    private boolean homeFree;
    private long homeHeader;
    private int used1;
    private int used2;

    /**
     * Starts a reading of both buckets, for a key whose home way is {@code homeWay} and whose second home way is
     * {@code secondHomeWay} (a way of the second bucket, {@code 0..7}).
     */
    void start(final int homeWay, final int secondHomeWay)
    {
        home = homeWay;
        home2 = ConnTableLayout.WAYS + secondHomeWay;
        home2Free = false;
        expiredWay = -1;
        free1 = -1;
        free2 = -1;
        homeFree = false;
        used1 = 0;
        used2 = 0;
    }

    /** Counts the header word read at candidate {@code c}. */
    void see(final int c, final long headerWord)
    {
        if ((headerWord & ConnTable.STATUS_MASK) != ConnTable.EMPTY)
        {
            if (c < ConnTableLayout.WAYS)
            {
                used1++;
            }
            else
            {
                used2++;
            }
            return;
        }
        if (c == home)
        {
            homeFree = true;
            homeHeader = headerWord;
        }
        else if (c == home2)
        {
            home2Free = true;
            home2Header = headerWord;
        }
        if (c < ConnTableLayout.WAYS)
        {
            if (free1 < 0)
            {
                free1 = c;
                freeHeader1 = headerWord;
            }
        }
        else if (free2 < 0)
        {
            free2 = c;
            freeHeader2 = headerWord;
        }
    }

    /** Notes that candidate {@code c} holds the key's own expired entry, as read into {@code view}. */
    void expired(final int c, final ConnView view)
    {
        if (expiredWay < 0)
        {
            expiredWay = c;
            expiredSlot = view.slot;
            expiredHeaderIndex = view.headerIndex;
            expiredHeader = view.header;
            expiredMeta = view.meta;
            expiredBackendId = view.backendId;
        }
    }

    /** Decides from every header word seen since {@link #start}. */
    void decide()
    {
        if (homeFree && (free2 < 0 || used1 < ConnTableLayout.WAYS / 2 || used1 <= used2))
        {
            way = home;
            header = homeHeader;
        }
        else if (free1 >= 0 && (free2 < 0 || used1 <= used2))
        {
            way = free1;
            header = freeHeader1;
        }
        else if (home2Free)
        {
            way = home2;
            header = home2Header;
        }
        else if (free2 >= 0)
        {
            way = free2;
            header = freeHeader2;
        }
        else
        {
            way = NONE;
            header = 0;
        }
    }

    /** Keeps the decision for the next {@link #take} of {@code forHash} (a lookup that missed). */
    void keepFor(final long forHash)
    {
        hash = forHash;
        decided = true;
    }

    /** True, once, when a lookup's miss decided for this hash and nothing has used the decision yet. */
    boolean take(final long forHash)
    {
        final boolean mine = decided && hash == forHash;
        decided = false;
        return mine;
    }
}
