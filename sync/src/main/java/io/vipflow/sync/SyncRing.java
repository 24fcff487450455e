package io.vipflow.sync;

import io.vipflow.FlowEvents;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
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
 * Thread contract: {@link #flowEvent} from any number of data-plane threads at once; {@link #ring()} is read by
 * one thread, the sender; {@link #dropped()} from any thread.
 */
public final class SyncRing implements FlowEvents
{
    static final int MSG_TYPE = 1;
    private static final int SLOT_BYTES = SyncWire.RECORD_LENGTH + RecordDescriptor.HEADER_LENGTH;

    private final ManyToOneRingBuffer ring;
    private final AtomicBuffer buffer;
    private final AtomicLong dropped = new AtomicLong();

    /** @param records how many records the ring holds (rounded up to a power of two) */
    public SyncRing(final int records)
    {
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
