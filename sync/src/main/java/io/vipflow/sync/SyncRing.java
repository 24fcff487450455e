package io.vipflow.sync;

import io.vipflow.FlowEvents;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the data plane leaves its flow changes for the sync sender: an Agrona many-to-one ring of preallocated
 * direct memory holding {@link SyncWire} records. An offer claims a record, writes it in place and commits it:
 * no allocation, no lock, no wait. When the ring is full the change is dropped and counted, never the packet.
 * <p>
 * The sender takes changes with {@link #take}, which keeps it away from the cache lines the data plane is writing: a
 * reader that follows the writers closely reads each record's line, and the ring's next one, while they are being
 * written, and every such line then costs the writing core a transfer from the reader's (about 100–200 ns per new
 * flow on the benchmark machine, at a few million new flows per second). So while fewer than a message's worth of changes wait,
 * it takes them at most once per flush interval; a full message's worth it takes at once.
 * <p>
 * Thread contract: {@link #flowEvent} from any number of data-plane threads at once; {@link #take} and
 * {@link #ring()} from one thread, the sender; {@link #dropped()} from any thread.
 */
public final class SyncRing implements FlowEvents
{
    static final int MSG_TYPE = 1;
    private static final int SLOT_BYTES = SyncWire.RECORD_LENGTH + RecordDescriptor.HEADER_LENGTH;

    private final ManyToOneRingBuffer ring;
    private final AtomicBuffer buffer;
    private final AtomicLong dropped = new AtomicLong();
    private final long flushIntervalNanos;
    private long lastDrainedNanos;
    private boolean backlog;

    /** A ring with the default flush interval, {@link SyncConfig#DEFAULT_FLUSH_INTERVAL_NANOS}. */
    public SyncRing(final int records)
    {
        this(records, SyncConfig.DEFAULT_FLUSH_INTERVAL_NANOS);
    }

    /**
     * @param records            how many records the ring holds (rounded up to a power of two)
     * @param flushIntervalNanos how often at most {@link #take} takes less than a full message's worth
     */
    public SyncRing(final int records, final long flushIntervalNanos)
    {
        this.flushIntervalNanos = flushIntervalNanos;
        this.lastDrainedNanos = System.nanoTime() - flushIntervalNanos;
        // Each record carries the ring's own 8-byte header: 72 bytes.
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(64, records) * SLOT_BYTES);
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH));
        ring = new ManyToOneRingBuffer(buffer);
    }

    @Override
    public void flowEvent(final int type, final FlowKey key, final Backend backend, final int state,
        final long ttlNanos)
    {
        if (!offer(type, key, backend, state, ttlNanos))
        {
            dropped.incrementAndGet();
        }
    }

    /** Leaves one change in the ring; false (nothing counted) when the ring is full. */
    public boolean offer(final int type, final FlowKey key, final Backend backend, final int state,
        final long ttlNanos)
    {
        final int index = ring.tryClaim(MSG_TYPE, SyncWire.RECORD_LENGTH);
        if (index < 0)
        {
            return false;
        }
        SyncWire.putRecord(buffer, index, type, key, backend, state, ttlNanos);
        ring.commit(index);
        return true;
    }

    /**
     * Hands up to {@code maxRecords} changes to {@code handler}: at once when the previous take found a full batch
     * (more may wait), otherwise only once {@code flushIntervalNanos} have passed since the ring was last emptied;
     * the sender's thread only.
     *
     * @return the changes taken
     */
    public int take(final MessageHandler handler, final int maxRecords, final long nowNanos)
    {
        if (!backlog && nowNanos - lastDrainedNanos < flushIntervalNanos)
        {
            return 0;
        }
        final int taken = ring.read(handler, maxRecords);
        backlog = taken == maxRecords;
        if (!backlog)
        {
            lastDrainedNanos = nowNanos;
        }
        return taken;
    }

    /** The ring itself, for the one thread that takes changes from it (the sender). */
    public ManyToOneRingBuffer ring()
    {
        return ring;
    }

    /** Changes dropped because the ring was full. */
    public long dropped()
    {
        return dropped.get();
    }

    /** Changes offered and not yet taken by the sender (approximate while producers run). */
    public long pending()
    {
        return (ring.producerPosition() - ring.consumerPosition()) / SLOT_BYTES;
    }
}
