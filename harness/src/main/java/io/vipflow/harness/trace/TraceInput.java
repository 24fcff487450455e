package io.vipflow.harness.trace;

import java.nio.file.Files;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sequential reads from a capture file through one fixed window, so memory use does not depend on the file size.
 * <p>
 * The file size is taken once at open: parsers compare every length they read against {@link #remaining()} before
 * reading, which is how truncation is reported with the offset of the record rather than as an end-of-file deep
 * inside a copy. Callers {@link #require(int, long)} a group of fixed-size fields, then read them.
 * <p>
 * Thread contract: used by the one thread that owns the reader.
 */
final class TraceInput implements Closeable
{
    /** Larger than any fixed header a parser requires at once; packet bodies are copied through it in pieces. */
    static final int WINDOW_CAPACITY = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    /** Bytes from {@code position()} to {@code limit()} are file bytes not yet consumed. */
    private final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW_CAPACITY);
    /** File offset of window index 0. */
    private long windowOffset;
    /** Where the channel will read next; differs from the window's end only after a {@link #skip(long)}. */
    private long channelPosition;

    TraceInput(final Path path) throws IOException
    {
        this.path = path;
        if (Files.isDirectory(path))
        {
            throw new IOException(path + ": is a directory, not a capture");
        }
        if (!Files.exists(path))
        {
            throw new IOException(path + ": no such file");
        }
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try
        {
            this.size = channel.size();
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
        window.limit(0);
    }

    Path path()
    {
        return path;
    }

    long size()
    {
        return size;
    }

    /** @return file offset of the next byte to be read. */
    long position()
    {
        return windowOffset + window.position();
    }

    /** @return bytes between the read position and the end of the file as it was at open. */
    long remaining()
    {
        return size - position();
    }

    void order(final ByteOrder order)
    {
        window.order(order);
    }

    TraceFormatException error(final long offset, final String detail)
    {
        return new TraceFormatException(path, offset, detail);
    }

    /**
     * Makes the next {@code length} bytes readable with the get methods.
     *
     * @param length      bytes needed, at most {@link #WINDOW_CAPACITY}.
     * @param errorOffset offset to report if the file has become shorter since it was opened.
     */
    void require(final int length, final long errorOffset) throws IOException
    {
        if (window.remaining() < length)
        {
            fill(length, errorOffset);
        }
    }

    int getInt()
    {
        return window.getInt();
    }

    long getLong()
    {
        return window.getLong();
    }

    int getUnsignedShort()
    {
        return window.getShort() & 0xFFFF;
    }

    int getUnsignedByte()
    {
        return window.get() & 0xFF;
    }

    /** Copies {@code length} bytes, refilling the window as often as needed. */
    void read(final byte[] dst, final int offset, final int length, final long errorOffset) throws IOException
    {
        int done = 0;
        while (done < length)
        {
            if (!window.hasRemaining())
            {
                fill(1, errorOffset);
            }
            final int chunk = Math.min(window.remaining(), length - done);
            window.get(dst, offset + done, chunk);
            done += chunk;
        }
    }

    /** Moves the read position forward; a skip past the window repositions the channel instead of reading. */
    void skip(final long length)
    {
        if (length <= window.remaining())
        {
            window.position(window.position() + (int)length);
        }
        else
        {
            windowOffset = position() + length;
            window.position(0).limit(0);
        }
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    private void fill(final int length, final long errorOffset) throws IOException
    {
        windowOffset += window.position();
        window.compact();
        final long readFrom = windowOffset + window.position();
        if (channelPosition != readFrom)
        {
            channel.position(readFrom);
            channelPosition = readFrom;
        }

        while (window.position() < length)
        {
            final int read = channel.read(window);
            if (read < 0)
            {
                window.flip();
                throw error(errorOffset, "file ended at byte " + (windowOffset + window.limit()) +
                    ", shorter than the " + size + " bytes it had when opened");
            }
            channelPosition += read;
        }
        window.flip();
    }
}
