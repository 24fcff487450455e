package io.vipflow.sync;

import io.vipflow.FlowEvents;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * One data-plane thread's lane of a {@link SyncRing}: a single-producer single-consumer ring of fixed 64-byte slots,
 * each a {@link SyncWire} record on a cache line of its own. Off-heap layout:
 * <pre>
 *   0                               slots * 64      + 128             + 256
 *   +-------+-------+-----+---------+----------------+-----------------+
 *   | slot 0| slot 1| ... | slot n-1| head (8), pad   | tail (8), pad   |
 *   +-------+-------+-----+---------+----------------+-----------------+
 * </pre>
 * Head and tail count records ever taken and offered; each sits on a line pair of its own, so that the producer's
 * and the consumer's stores do not share a line. The producer writes a record with plain stores and publishes it by
 * a release store of the tail: no atomic read-modify-write, nothing that waits for the earlier stores to reach the
 * cache. It rereads the consumer's head only when its cached copy says the lane is full.
 * <p>
 * Written by hand rather than on Agrona's one-to-one ring: that ring puts an 8-byte header before each record, so a
 * 64-byte record spans two lines, and its reader zeroes what it read, so every line comes back to the producer
 * modified in the reader's cache instead of merely shared; both cost the data plane per change. The producer writes
 * the record with raw stores at addresses it computes from the masked position, which stay inside the slots by
 * construction, so it skips the bounds check that each of a buffer's eight stores would make.
 * <p>
 * The lane is its owner thread's {@link FlowEvents} ({@link SyncRing#forThread()}): the classifier keeps it with the
 * thread's {@link io.vipflow.Decision} and hands it each change, with no thread-local lookup per change. A change from
 * another thread (a decision moved between threads) goes through the ring to that thread's own lane.
 * <p>
 * Thread contract: {@link #offer} from the one owner thread, {@link #flowEvent} from any thread; {@link #read} from
 * one consumer thread; {@link #size()}, {@link #offeredPosition()}, {@link #takenPosition()} from any thread.
 */
final class SyncLane implements FlowEvents
{
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static final int SLOT_BYTES = SyncWire.RECORD_LENGTH;
    private static final int PAD = 2 * BitUtil.CACHE_LINE_LENGTH;

    private final SyncRing ring;
    private final AtomicBuffer buffer;
    private final long address;
    private final long mask;
    private final int slots;
    private final int headOffset;
    private final int tailOffset;
    final Thread owner;

    // The producer's (the owner thread's) own.
    private long tail;
    private long headCache;

    /** A lane for {@code owner} of at least {@code records} slots (rounded up to a power of two). */
    SyncLane(final SyncRing ring, final Thread owner, final int records)
    {
        this.ring = ring;
        this.owner = owner;
        this.slots = BitUtil.findNextPositivePowerOfTwo(Math.max(2, records));
        this.mask = slots - 1;
        this.headOffset = slots * SLOT_BYTES;
        this.tailOffset = headOffset + PAD;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(tailOffset + PAD, PAD));
        this.address = buffer.addressOffset();
    }

    /** The owner's change goes into this lane (dropped and counted when it is full); another thread's into its own. */
    @Override
    public void flowEvent(final int type, final FlowKey key, final Backend backend, final int state,
        final long ttlNanos)
    {
        if (Thread.currentThread() != owner)
        {
            ring.flowEvent(type, key, backend, state, ttlNanos);
        }
        else if (!offer(type, key, backend, state, ttlNanos))
        {
            ring.countDropped();
        }
    }

    /** Writes one change into the next slot and publishes it; false when the lane is full. Owner thread only. */
    boolean offer(final int type, final FlowKey key, final Backend backend, final int state, final long ttlNanos)
    {
        final long t = tail;
        if (t - headCache >= slots)
        {
            headCache = buffer.getLongAcquire(headOffset);
            if (t - headCache >= slots)
            {
                return false;
            }
        }
        final long at = address + (t & mask) * SLOT_BYTES;
        putLong(at + SyncWire.TYPE, SyncWire.firstWord(type, key, state));
        putLong(at + SyncWire.SRC_HI, key.srcHi);
        putLong(at + SyncWire.SRC_LO, key.srcLo);
        putLong(at + SyncWire.DST_HI, key.dstHi);
        putLong(at + SyncWire.DST_LO, key.dstLo);
        putLong(at + SyncWire.BACKEND_HI, backend.addrHi);
        putLong(at + SyncWire.BACKEND_LO, backend.addrLo);
        putLong(at + SyncWire.BACKEND_PORT, SyncWire.lastWord(backend, ttlNanos));
        tail = t + 1;
        UnsafeApi.putLongRelease(null, address + tailOffset, t + 1);
        return true;
    }

    /** A plain store of a little-endian field ({@link SyncWire#ORDER}) at an absolute address. */
    private static void putLong(final long at, final long value)
    {
        UnsafeApi.putLong(null, at, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }

    /**
     * Hands up to {@code limit} records, oldest first, to {@code handler} and frees their slots; the consumer thread
     * only.
     *
     * @return the records read
     */
    int read(final MessageHandler handler, final int limit)
    {
        final long head = buffer.getLong(headOffset);
        final int available = (int)Math.min(limit, buffer.getLongAcquire(tailOffset) - head);
        for (int i = 0; i < available; i++)
        {
            handler.onMessage(SyncRing.MSG_TYPE, buffer, (int)((head + i) & mask) * SLOT_BYTES, SLOT_BYTES);
        }
        if (available > 0)
        {
            buffer.putLongRelease(headOffset, head + available);
        }
        return Math.max(available, 0);
    }

    /** Records offered and not yet read (exact on the consumer's thread, a snapshot on any other). */
    long size()
    {
        final long head = buffer.getLongAcquire(headOffset);
        return buffer.getLongAcquire(tailOffset) - head;
    }

    long offeredPosition()
    {
        return buffer.getLongAcquire(tailOffset);
    }

    long takenPosition()
    {
        return buffer.getLongAcquire(headOffset);
    }
}
