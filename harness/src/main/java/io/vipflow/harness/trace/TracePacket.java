package io.vipflow.harness.trace;

/**
 * Reusable holder for one captured packet, filled by {@link TraceReader#next(TracePacket)}. The same instance is
 * meant to be passed for every packet so that iterating a trace does not allocate; {@link #data} only grows.
 * <p>
 * Thread contract: owned by one thread at a time, like the reader that fills it. Every field is overwritten by each
 * successful {@code next}; bytes of {@link #data} past {@link #capturedLength} are left over from earlier packets.
 */
public final class TracePacket
{
    /** IEEE 802.3 Ethernet. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Raw IP, IPv4 or IPv6 told apart by the version nibble. */
    public static final int LINKTYPE_RAW = 101;
    /** Raw IP as some BSDs wrote it into old files before {@link #LINKTYPE_RAW} was assigned. */
    public static final int LINKTYPE_RAW_BSD = 12;
    /** Raw IP as OpenBSD wrote it into old files. */
    public static final int LINKTYPE_RAW_OPENBSD = 14;
    /** Linux cooked capture v1 (SLL), as captured on the "any" device. */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** Linux cooked capture v2 (SLL2). */
    public static final int LINKTYPE_LINUX_SLL2 = 276;
    /** Raw IPv4 only. */
    public static final int LINKTYPE_IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int LINKTYPE_IPV6 = 229;

    /** {@link #timestampNanos} of a pcapng Simple Packet Block, which carries no time; never a real timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private static final int DEFAULT_CAPACITY = 2048;

    /** Captured bytes in {@code [0, capturedLength)}; replaced by a larger array when a packet does not fit. */
    public byte[] data;
    /** Number of bytes captured and held in {@link #data}. */
    public int capturedLength;
    /** Length of the packet on the wire in bytes, at least {@link #capturedLength} in well-formed files. */
    public int originalLength;
    /** The pcap LINKTYPE_ number of the interface the packet was captured on. */
    public int linkType;
    /** pcapng interface number within its section; 0 for classic pcap. */
    public int interfaceId;
    /** Capture time in nanoseconds since the Unix epoch, or {@link #NO_TIMESTAMP}. */
    public long timestampNanos;
    /** Position of the packet in the file counting from 0, across sections. */
    public long index;
    /** Byte offset from the start of the file of the packet record or block. */
    public long fileOffset;

    public TracePacket()
    {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param initialCapacity initial size of {@link #data} in bytes.
     */
    public TracePacket(final int initialCapacity)
    {
        data = new byte[Math.max(initialCapacity, 0)];
    }

    /**
     * Makes {@link #data} hold at least {@code length} bytes, growing to a power of two so that a trace with rising
     * packet sizes reallocates a handful of times at most.
     *
     * @param length bytes needed, at most {@link TraceReader#MAX_CAPTURED_LENGTH}.
     * @return {@link #data}, possibly a new array.
     */
    byte[] ensureCapacity(final int length)
    {
        if (data.length < length)
        {
            final int newLength = Math.max(Integer.highestOneBit(Math.max(length - 1, 1)) << 1, DEFAULT_CAPACITY);
            data = new byte[newLength];
        }

        return data;
    }

    /** Allocates; for logs and tests. */
    @Override
    public String toString()
    {
        return "TracePacket{index=" + index + ", fileOffset=" + fileOffset + ", linkType=" + linkType +
            ", interfaceId=" + interfaceId + ", capturedLength=" + capturedLength + ", originalLength=" +
            originalLength + ", timestampNanos=" + timestampNanos + "}";
    }
}
