package io.vipflow.conntrack;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a {@link ConnTable}'s buckets live: anonymous direct memory, or a memory-mapped file that outlives the
 * process. A file starts with one page of header:
 * <pre>
 *   0 magic "VIPFLOWC" | 8 layout version (int) | 12 bucket count (int) | 16 ways (int) | 20 slot bytes (int)
 * </pre>
 * and the buckets follow at {@link #FILE_HEADER_BYTES}, page-aligned like the mapping itself.
 * <p>
 * A file mapped for writing holds an exclusive lock on the whole file ({@link FileChannel#tryLock}, a POSIX record
 * lock on Linux) until {@link #free}: a second writer, in this process or another, is refused, while a process that
 * dies (even by SIGKILL) loses its lock with it. Inspection maps without a lock. Not thread-safe: the owning
 * {@link ConnTable} calls {@link #free} once.
 */
final class ConnTableMemory
{
    static final int FILE_HEADER_BYTES = 4096;
    private static final long MAGIC = 0x564950464c4f5743L; // "VIPFLOWC"
    private static final int LAYOUT_VERSION = 2;

    final UnsafeBuffer buffer;
    final int buckets;
    final Path file;
    final boolean readOnly;
    private final ByteBuffer owned;
    /** The writer's open channel and its lock on the file; null for anonymous memory and for inspection. */
    private final FileChannel lockedChannel;

    private ConnTableMemory(final UnsafeBuffer buffer, final int buckets, final Path file, final boolean readOnly,
        final ByteBuffer owned, final FileChannel lockedChannel)
    {
        this.buffer = buffer;
        this.buckets = buckets;
        this.file = file;
        this.readOnly = readOnly;
        this.owned = owned;
        this.lockedChannel = lockedChannel;
    }

    static int bucketsFor(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        final long slots = (long)Math.ceil(capacity / 0.75);
        final long bucketCount = Math.max(1, (slots + ConnTableLayout.WAYS - 1) / ConnTableLayout.WAYS);
        if (bucketCount * ConnTableLayout.BUCKET_BYTES > Integer.MAX_VALUE - FILE_HEADER_BYTES)
        {
            throw new IllegalArgumentException("capacity too large for one buffer: " + capacity);
        }
        return (int)bucketCount;
    }

    static ConnTableMemory anonymous(final int capacity)
    {
        final int buckets = bucketsFor(capacity);
        final int bytes = buckets * ConnTableLayout.BUCKET_BYTES;
        // Over-allocate one line so the first bucket starts on a cache-line boundary.
        final ByteBuffer memory = ByteBuffer.allocateDirect(bytes + BitUtil.CACHE_LINE_LENGTH);
        final long address = new UnsafeBuffer(memory).addressOffset();
        final int align = (int)(BitUtil.align(address, BitUtil.CACHE_LINE_LENGTH) - address);
        return new ConnTableMemory(new UnsafeBuffer(memory, align, bytes), buckets, null, false, memory, null);
    }

    /**
     * Maps {@code file}, creating it for {@code capacity} flows if it does not exist. An existing file keeps its
     * own size (its bucket count is in the header) and its entries.
     */
    static ConnTableMemory mapped(final Path file, final int capacity)
    {
        try
        {
            if (Files.exists(file) && Files.size(file) > 0)
            {
                return map(file, false);
            }
            final int buckets = bucketsFor(capacity);
            final long size = FILE_HEADER_BYTES + (long)buckets * ConnTableLayout.BUCKET_BYTES;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
                final UnsafeBuffer b = new UnsafeBuffer(header);
                b.putInt(8, LAYOUT_VERSION);
                b.putInt(12, buckets);
                b.putInt(16, ConnTableLayout.WAYS);
                b.putInt(20, ConnTableLayout.LINE);
                b.putLongRelease(0, MAGIC); // the magic goes last: a file without it was never finished
                header.force();
                IoUtil.unmap(header);
            }
            return map(file, false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /** Maps an existing table file for reading only (dumps and inspection by another process). */
    static ConnTableMemory inspect(final Path file)
    {
        try
        {
            return map(file, true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static ConnTableMemory map(final Path file, final boolean readOnly) throws IOException
    {
        final FileChannel channel = readOnly ? FileChannel.open(file, StandardOpenOption.READ) :
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean kept = false;
        try
        {
            if (!readOnly)
            {
                lockForWriting(channel, file);
            }
            final ConnTableMemory memory = map(channel, file, readOnly);
            kept = !readOnly;
            return memory;
        }
        finally
        {
            if (!kept)
            {
                channel.close(); // releases the lock too; a mapping stays valid without its channel
            }
        }
    }

    private static void lockForWriting(final FileChannel channel, final Path file) throws IOException
    {
        FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null; // held by another channel of this process
        }
        if (lock == null)
        {
            throw new IllegalStateException("connection table " + file + " is already open for writing by another " +
                "ConnTable (in this process or another); one writer at a time, use ConnTable.inspect to read it");
        }
    }

    private static ConnTableMemory map(final FileChannel channel, final Path file, final boolean readOnly)
        throws IOException
    {
        final long size = channel.size();
        if (size < FILE_HEADER_BYTES)
        {
            throw new IOException("not a connection table: " + size + " bytes, shorter than its header");
        }
        final MappedByteBuffer mapping =
            channel.map(readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, size);
        final UnsafeBuffer whole = new UnsafeBuffer(mapping);
        if (whole.getLongVolatile(0) != MAGIC)
        {
            IoUtil.unmap(mapping);
            throw new IOException("not a connection table (bad magic at byte 0)");
        }
        final int buckets = whole.getInt(12);
        if (whole.getInt(8) != LAYOUT_VERSION || whole.getInt(16) != ConnTableLayout.WAYS ||
            whole.getInt(20) != ConnTableLayout.LINE || buckets < 1 ||
            FILE_HEADER_BYTES + (long)buckets * ConnTableLayout.BUCKET_BYTES != size)
        {
            IoUtil.unmap(mapping);
            throw new IOException("connection table layout does not match this version (byte 8)");
        }
        final UnsafeBuffer buckets0 =
            new UnsafeBuffer(mapping, FILE_HEADER_BYTES, buckets * ConnTableLayout.BUCKET_BYTES);
        return new ConnTableMemory(buckets0, buckets, file, readOnly, mapping, readOnly ? null : channel);
    }

    void free()
    {
        if (file == null)
        {
            BufferUtil.free(owned);
        }
        else
        {
            IoUtil.unmap(owned);
            if (lockedChannel != null)
            {
                try
                {
                    lockedChannel.close(); // and with it the lock: another writer may open the file now
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
                }
            }
        }
    }
}
