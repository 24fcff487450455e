package io.vipflow.conntrack;

import io.vipflow.internal.FlowHash;

/**
 * Where everything of a {@link ConnTable} lies in its memory: all of the table's offset arithmetic, in one place.
 * Stateless.
 * <pre>
 *  bucket (576 bytes = 9 cache lines)
 *  +---------------------------------------------------------------+
 *  | header[0] | header[1] | ... | header[7]        (64 bytes)     |  one long per way:
 *  +---------------------------------------------------------------+    bits 63..32 tag (hash high half, never 0)
 *  | slot 0 (64 bytes)                                             |    bits 31..8  version (bumped on every claim
 *  | ...                                                           |                and every removal)
 *  | slot 7 (64 bytes)                                             |    bits  7..0  status EMPTY / BUSY / LIVE
 *  +---------------------------------------------------------------+
 *  slot: 0 srcHi | 8 srcLo | 16 dstHi | 24 dstLo | 32 ports: family+protocol(9) srcPort(16) dstPort(16)
 *        40 meta: state(8) version(16) expiry millis(40) | 48 backendId (int) | 56 created nanos
 * </pre>
 * A flow hash {@code h} names two buckets and, in the first, a home way:
 * <ul>
 * <li>first bucket: the low 32 bits of {@code h} mapped onto the bucket count (Lemire's multiply-shift, no
 * division);</li>
 * <li>second bucket: the same over a remix of {@code h}, independent of the first bucket and of the tag;</li>
 * <li>tag: the high 32 bits of {@code h} (0 is taken as 1, so a tag is never 0);</li>
 * <li>home way: the tag's low three bits. The home way's header word and slot line are both computed from the hash
 * alone, so a lookup can load them at the same time: for a flow stored in its home way, one level of dependent
 * cache misses instead of header line first, slot line second.</li>
 * <li>second home way: the tag's next three bits, a way of the second bucket. A flow placed in the second bucket
 * takes it when it is free, so that a lookup that did not find the flow in its first bucket loads the second
 * bucket's header word and that way's slot line together: two levels of dependent misses, where any other way of
 * the second bucket needs three (first header, second header, slot).</li>
 * </ul>
 * Candidates {@code 0..7} are the ways of the first bucket, {@code 8..15} those of the second.
 */
final class ConnTableLayout
{
    static final int WAYS = 8;
    static final int LINE = 64;
    static final int BUCKET_BYTES = LINE * (WAYS + 1);

    static final int SRC_HI = 0;
    static final int SRC_LO = 8;
    static final int DST_HI = 16;
    static final int DST_LO = 24;
    static final int PORTS = 32;
    static final int META = 40;
    static final int BACKEND = 48;
    static final int CREATED_AT = 56;

    private static final long SECOND_BUCKET_SALT = 0x9E3779B97F4A7C15L;

    private ConnTableLayout()
    {
    }

    /** Offset of bucket number {@code index}. */
    static int bucket(final int index)
    {
        return index * BUCKET_BYTES;
    }

    /** Offset of the key's first bucket (its header line). */
    static int firstBucket(final long hash, final int buckets)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * buckets) >>> 32) * BUCKET_BYTES;
    }

    /** Offset of the key's second bucket, from a remix of the hash (independent of the first and of the tag). */
    static int secondBucket(final long hash, final int buckets)
    {
        final long h2 = FlowHash.mix(hash ^ SECOND_BUCKET_SALT);
        return (int)(((h2 & 0xFFFF_FFFFL) * buckets) >>> 32) * BUCKET_BYTES;
    }

    /** The way of the first bucket where the flow with this tag is stored when that way is free. */
    static int homeWay(final int tag)
    {
        return tag & (WAYS - 1);
    }

    /** The way of the second bucket where the flow with this tag is stored when it goes there and that way is free. */
    static int secondHomeWay(final int tag)
    {
        return (tag >>> 3) & (WAYS - 1);
    }

    /** The header word of {@code way} in the bucket at {@code bucket}. */
    static int headerIndex(final int bucket, final int way)
    {
        return bucket + way * Long.BYTES;
    }

    /** The slot line of {@code way} in the bucket at {@code bucket}. */
    static int slot(final int bucket, final int way)
    {
        return bucket + LINE * (way + 1);
    }

    /** Header word of candidate {@code c}: ways 0..7 of the first bucket, then 8..15 of the second. */
    static int headerAt(final int b1, final int b2, final int c)
    {
        return headerIndex(c < WAYS ? b1 : b2, c & (WAYS - 1));
    }

    /** Slot line of candidate {@code c}. */
    static int slotAt(final int b1, final int b2, final int c)
    {
        return slot(c < WAYS ? b1 : b2, c & (WAYS - 1));
    }

    /** The bucket of slot number {@code slotNo} (buckets in order, ways in order within each). */
    static int bucketOfSlotNumber(final int slotNo)
    {
        return (slotNo / WAYS) * BUCKET_BYTES;
    }

    /** The way of slot number {@code slotNo}. */
    static int wayOfSlotNumber(final int slotNo)
    {
        return slotNo % WAYS;
    }

    /** The header word that describes the slot line at {@code slot}. */
    static int headerOfSlot(final int slot)
    {
        final int bucket = slot - slot % BUCKET_BYTES;
        return headerIndex(bucket, (slot - bucket - LINE) / LINE);
    }

    /** True when {@code offset} starts a slot line of a table of {@code buckets} (not a header line, not outside). */
    static boolean isSlot(final int offset, final int buckets)
    {
        final int inBucket = offset % BUCKET_BYTES;
        return offset >= LINE && offset < buckets * BUCKET_BYTES && inBucket != 0 && inBucket % LINE == 0;
    }

    /** Bytes of {@code buckets} buckets. */
    static long bytes(final int buckets)
    {
        return (long)buckets * BUCKET_BYTES;
    }
}
