package io.vipflow.sync;

import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of the sync messages, and of the records the data plane offers into the {@link SyncRing} (a ring record
 * is a wire record, so the sender copies it as it is). All fields little-endian.
 * <p>
 * A message is a header and {@code count} records:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  sender instance id (64)                      |  0
 * +---------------------------------------------------------------+
 * |        sequence: messages this sender has sent before (64)    |  8
 * +---------------------------------------------------------------+
 * |        send time, sender's System.nanoTime (64)               | 16
 * +---------------------------------------------------------------+
 * |        addressee instance id, 0 for every peer (64)           | 24
 * +-------------------------------+-------------------------------+
 * |  kind (32)                    |  record count (32)            | 32
 * +-------------------------------+-------------------------------+
 * |  records, RECORD_LENGTH bytes each ...                        | 40
 * </pre>
 * A record names a flow by its key and its backend by address and port (backend ids are local to a balancer):
 * <pre>
 * +---------------+---------------+-------------------------------+
 * |  type (8)     |  state (8)    |  key protocol (16)            |  0
 * +---------------+---------------+-------------------------------+
 * |  source port (16)             |  destination port (16)        |  4
 * +-------------------------------+-------------------------------+
 * |  source address, high and low 64 bits                         |  8, 16
 * |  destination address, high and low 64 bits                    | 24, 32
 * |  backend address, high and low 64 bits                        | 40, 48
 * +-------------------------------+-------------------------------+
 * |  backend port (16)            |  reserved (16)                | 56
 * +-------------------------------+-------------------------------+
 * |  time to live, milliseconds (32)                              | 60
 * +---------------------------------------------------------------+  64
 * </pre>
 * The time to live, not a deadline, travels, since the balancers' clocks need not agree.
 * <p>
 * Thread contract: stateless.
 */
public final class SyncWire
{
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final int SENDER = 0;
    public static final int SEQUENCE = 8;
    public static final int SEND_TIME = 16;
    public static final int ADDRESSEE = 24;
    public static final int KIND = 32;
    public static final int COUNT = 36;
    public static final int HEADER_LENGTH = 40;

    /** Flow records: creations, state changes and removals. */
    public static final int KIND_UPDATES = 1;
    /** A balancer that starts asks for the table; no records. */
    public static final int KIND_SNAPSHOT_REQUEST = 2;
    /** Part of a table, for the addressee. */
    public static final int KIND_SNAPSHOT = 3;
    /** The table sent to the addressee is complete; no records. */
    public static final int KIND_SNAPSHOT_END = 4;
    /**
     * A table for the addressee starts with the next message; no records. The addressee takes the table as complete
     * only if it got this and every message of the sender after it up to the end marker (no gap in the sequence).
     */
    public static final int KIND_SNAPSHOT_BEGIN = 5;

    public static final int TYPE = 0;
    public static final int STATE = 1;
    public static final int KEY_PROTOCOL = 2;
    public static final int SRC_PORT = 4;
    public static final int DST_PORT = 6;
    public static final int SRC_HI = 8;
    public static final int SRC_LO = 16;
    public static final int DST_HI = 24;
    public static final int DST_LO = 32;
    public static final int BACKEND_HI = 40;
    public static final int BACKEND_LO = 48;
    public static final int BACKEND_PORT = 56;
    public static final int TTL_MILLIS = 60;
    public static final int RECORD_LENGTH = 64;

    /** Record type of a table entry sent for catch-up or refresh: applied as a creation. */
    public static final int TYPE_ENTRY = 4;

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private SyncWire()
    {
    }

    /** Writes one record at {@code offset} (the sender's copy of a table entry; the data plane's is {@link SyncLane}). */
    public static void putRecord(final MutableDirectBuffer buffer, final int offset, final int type,
        final FlowKey key, final Backend backend, final int state, final long ttlNanos)
    {
        buffer.putLong(offset + TYPE, firstWord(type, key, state), ORDER);
        buffer.putLong(offset + SRC_HI, key.srcHi, ORDER);
        buffer.putLong(offset + SRC_LO, key.srcLo, ORDER);
        buffer.putLong(offset + DST_HI, key.dstHi, ORDER);
        buffer.putLong(offset + DST_LO, key.dstLo, ORDER);
        buffer.putLong(offset + BACKEND_HI, backend.addrHi, ORDER);
        buffer.putLong(offset + BACKEND_LO, backend.addrLo, ORDER);
        buffer.putLong(offset + BACKEND_PORT, lastWord(backend, ttlNanos), ORDER);
    }

    /** The record's first 64 bits, as a little-endian load of offset 0 reads them: type, state, protocol, ports. */
    static long firstWord(final int type, final FlowKey key, final int state)
    {
        return (type & 0xFF) | (state & 0xFFL) << 8 | (key.protocol & 0xFFFFL) << 16 | (key.srcPort & 0xFFFFL) << 32 |
            (key.dstPort & 0xFFFFL) << 48;
    }

    /** The record's last 64 bits, read the same way: backend port, reserved, time to live. */
    static long lastWord(final Backend backend, final long ttlNanos)
    {
        return (backend.port & 0xFFFFL) | (ttlMillis(ttlNanos) & 0xFFFF_FFFFL) << 32;
    }

    /** The time to live in whole milliseconds, rounded up and clamped to the field. */
    static int ttlMillis(final long ttlNanos)
    {
        if (ttlNanos <= 0)
        {
            return 0;
        }
        return (int)Math.min(Integer.MAX_VALUE, (ttlNanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
    }

    /** Reads the key of the record at {@code offset} into {@code key}. */
    public static FlowKey key(final DirectBuffer buffer, final int offset, final FlowKey key)
    {
        return key.set(buffer.getShort(offset + KEY_PROTOCOL, ORDER) & 0x1FF,
            buffer.getLong(offset + SRC_HI, ORDER), buffer.getLong(offset + SRC_LO, ORDER),
            buffer.getShort(offset + SRC_PORT, ORDER) & 0xFFFF,
            buffer.getLong(offset + DST_HI, ORDER), buffer.getLong(offset + DST_LO, ORDER),
            buffer.getShort(offset + DST_PORT, ORDER) & 0xFFFF);
    }

    public static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE);
    }

    public static int state(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + STATE) & 0xFF;
    }

    public static long backendHi(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + BACKEND_HI, ORDER);
    }

    public static long backendLo(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + BACKEND_LO, ORDER);
    }

    public static int backendPort(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + BACKEND_PORT, ORDER) & 0xFFFF;
    }

    public static long ttlNanos(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getInt(offset + TTL_MILLIS, ORDER) & 0xFFFF_FFFFL) * NANOS_PER_MILLI;
    }

    /** Writes a message header at offset 0. */
    public static void putHeader(final MutableDirectBuffer buffer, final long sender, final long sequence,
        final long sendTime, final long addressee, final int kind, final int count)
    {
        buffer.putLong(SENDER, sender, ORDER);
        buffer.putLong(SEQUENCE, sequence, ORDER);
        buffer.putLong(SEND_TIME, sendTime, ORDER);
        buffer.putLong(ADDRESSEE, addressee, ORDER);
        buffer.putInt(KIND, kind, ORDER);
        buffer.putInt(COUNT, count, ORDER);
    }

    /** Records of {@code length} message bytes that fit; a message shorter than its count claims is cut to it. */
    static int recordsIn(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return -1;
        }
        final int count = buffer.getInt(offset + COUNT, ORDER);
        final int fit = (length - HEADER_LENGTH) / RECORD_LENGTH;
        return count < 0 ? -1 : Math.min(count, fit);
    }
}
