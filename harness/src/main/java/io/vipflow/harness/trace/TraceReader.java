package io.vipflow.harness.trace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

// Hand-written on purpose: both pcap formats are tiny, and the library alternatives need native libpcap.
/**
 * Reads packets from a capture file, classic pcap (microsecond or nanosecond, either byte order) or pcapng,
 * told apart by the magic number at the start of the file.
 * <p>
 * The file is streamed through a fixed window, so a trace larger than memory reads in constant space, and
 * {@link #next(TracePacket)} fills a caller-owned holder so iteration allocates nothing per packet.
 * <p>
 * Anything wrong with the content, including a file that ends inside a record, is reported as a
 * {@link TraceFormatException} naming the file and byte offset; other {@link IOException}s come from the file system.
 * After an exception the reader should only be closed.
 * <p>
 * Thread contract: a reader is used by one thread; it keeps a read position and is not safe to share.
 */
public abstract class TraceReader implements Closeable
{
    /** Largest captured length accepted, in bytes: above any real snap length, so a larger value means corruption. */
    public static final int MAX_CAPTURED_LENGTH = 256 * 1024;

    static final int PCAP_MICROS_MAGIC = 0xA1B2C3D4;
    static final int PCAP_NANOS_MAGIC = 0xA1B23C4D;
    static final int PCAPNG_MAGIC = 0x0A0D0D0A;
    private static final int MAGIC_LENGTH = 4;

    final TraceInput input;
    long packetIndex;

    TraceReader(final TraceInput input)
    {
        this.input = input;
    }

    /**
     * Opens a capture file and reads its file or first section header.
     *
     * @param path file to read.
     * @return a reader positioned before the first packet.
     * @throws TraceFormatException if the file is empty, of unknown format or its header is malformed.
     * @throws IOException          if the file cannot be opened or read.
     */
    public static TraceReader open(final Path path) throws IOException
    {
        final TraceInput input = new TraceInput(path);
        try
        {
            return open(input);
        }
        catch (final IOException | RuntimeException ex)
        {
            input.close();
            throw ex;
        }
    }

    private static TraceReader open(final TraceInput input) throws IOException
    {
        final long size = input.size();
        if (0 == size)
        {
            throw input.error(0, "empty file");
        }
        if (size < MAGIC_LENGTH)
        {
            throw input.error(0, "unknown file format: too short for a magic number (needs 4 bytes, " + size +
                " left)");
        }

        input.order(ByteOrder.BIG_ENDIAN);
        input.require(MAGIC_LENGTH, 0);
        final int magic = input.getInt();
        switch (magic)
        {
            case PCAP_MICROS_MAGIC:
                return new PcapReader(input, ByteOrder.BIG_ENDIAN, false);
            case PCAP_NANOS_MAGIC:
                return new PcapReader(input, ByteOrder.BIG_ENDIAN, true);
            case 0xD4C3B2A1:
                return new PcapReader(input, ByteOrder.LITTLE_ENDIAN, false);
            case 0x4D3CB2A1:
                return new PcapReader(input, ByteOrder.LITTLE_ENDIAN, true);
            case PCAPNG_MAGIC:
                return new PcapngReader(input);
            default:
                throw input.error(0, "unknown file format (magic 0x" + Integer.toHexString(magic) + ")");
        }
    }

    /**
     * Reads the next packet into a reused holder.
     *
     * @param into holder overwritten with the packet; its {@code data} array is replaced only if too small.
     * @return true if a packet was read, false at the end of the file (and on every call after that).
     * @throws TraceFormatException if the next record or block is malformed or truncated.
     * @throws IOException          if the file cannot be read.
     */
    public abstract boolean next(TracePacket into) throws IOException;

    /**
     * @return the file being read.
     */
    public Path path()
    {
        return input.path();
    }

    /**
     * @return number of packets returned so far.
     */
    public long packetCount()
    {
        return packetIndex;
    }

    @Override
    public void close() throws IOException
    {
        input.close();
    }

    /** Checks a captured length, read as an unsigned 32-bit field, against the sane limit. */
    final int checkCapturedLength(final int captured, final long offset) throws TraceFormatException
    {
        if (captured < 0 || captured > MAX_CAPTURED_LENGTH)
        {
            throw input.error(offset, "captured length " + Integer.toUnsignedString(captured) +
                " exceeds the limit of " + MAX_CAPTURED_LENGTH + " bytes");
        }
        return captured;
    }

    /** Checks an original length, read as an unsigned 32-bit field, fits the int that holds it. */
    final int checkOriginalLength(final int original, final long offset) throws TraceFormatException
    {
        if (original < 0)
        {
            throw input.error(offset, "original length " + Integer.toUnsignedString(original) + " is implausible");
        }
        return original;
    }
}
