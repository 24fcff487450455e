package io.vipflow.harness.output;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * One output file being written: the bytes go to a temporary file with a unique name in the target's directory
 * (same file system, so the final rename is atomic), which replaces the target only on {@link #commit()}. Until
 * then the target keeps its earlier content; {@link #close()} without a commit, an error, or the JVM ending on
 * SIGINT or SIGTERM removes the temporary file. Two runs writing the same target each have their own temporary
 * file, so the target ends as one run's complete output, never a mix.
 * <p>
 * Thread contract: one instance belongs to one thread; the registry of pending files is shared with the shutdown
 * hook and guarded by one lock, so a commit and the hook's clean-up never interleave.
 */
public final class OutputFile implements Closeable
{
    /** Permissions asked for at creation; the process's umask narrows them, as for any file it creates. */
    private static final FileAttribute<Set<PosixFilePermission>> UMASK_PERMISSIONS =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));

    private static final Object LOCK = new Object();
    private static final Set<Path> PENDING = new HashSet<>();
    private static boolean hookInstalled;
    private static boolean shuttingDown;

    private final Path target;
    private final Path temporary;
    private final OutputStream stream;
    private boolean committed;

    private OutputFile(final Path target, final Path temporary, final OutputStream stream)
    {
        this.target = target;
        this.temporary = temporary;
        this.stream = stream;
    }

    /**
     * Starts writing {@code target}; its directory is created if missing.
     *
     * @throws OutputRefusedException when the target exists and is not a regular file.
     * @throws IOException            naming the directory when the temporary file cannot be created.
     */
    public static OutputFile open(final Path target) throws IOException
    {
        final Path absolute = target.toAbsolutePath().normalize();
        Outputs.requireRegularOrAbsent(absolute.toString(), absolute);
        final Path dir = absolute.getParent();
        final Path temporary;
        synchronized (LOCK)
        {
            if (shuttingDown)
            {
                throw new IOException(target + ": not written, the program is stopping");
            }
            try
            {
                Files.createDirectories(dir);
                temporary = createTemporary(dir, "." + absolute.getFileName() + ".");
            }
            catch (final FileSystemException ex)
            {
                throw new IOException(target + ": cannot create a file in " + dir + " (" + reason(ex) + ")", ex);
            }
            PENDING.add(temporary);
            if (!hookInstalled)
            {
                Runtime.getRuntime().addShutdownHook(new Thread(OutputFile::removeAllPending, "output-clean-up"));
                hookInstalled = true;
            }
        }
        try
        {
            return new OutputFile(absolute, temporary, new BufferedOutputStream(Files.newOutputStream(temporary),
                1 << 16));
        }
        catch (final IOException ex)
        {
            discard(temporary);
            throw ex;
        }
    }

    /** Writes {@code text} (UTF-8) to {@code target} through a temporary file. */
    public static void writeString(final Path target, final String text) throws IOException
    {
        try (OutputFile file = open(target))
        {
            file.stream().write(text.getBytes(StandardCharsets.UTF_8));
            file.commit();
        }
    }

    /** @return where to write; buffered, closed by {@link #commit()} or {@link #close()}. */
    public OutputStream stream()
    {
        return stream;
    }

    /**
     * Flushes, closes and moves the complete output into place (atomically where the file system can).
     *
     * @throws IOException when the data cannot be written or the program is stopping.
     */
    public void commit() throws IOException
    {
        stream.close();
        synchronized (LOCK)
        {
            if (shuttingDown)
            {
                throw new IOException(target + ": not written, the program is stopping");
            }
            // Checked again: something may have put a directory, link or FIFO there while the command ran.
            Outputs.requireRegularOrAbsent(target.toString(), target);
            try
            {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            PENDING.remove(temporary);
            committed = true;
        }
    }

    /** Removes the temporary file unless the output was committed. */
    @Override
    public void close() throws IOException
    {
        if (!committed)
        {
            try
            {
                stream.close();
            }
            finally
            {
                discard(temporary);
            }
        }
    }

    private static Path createTemporary(final Path dir, final String prefix) throws IOException
    {
        try
        {
            return Files.createTempFile(dir, prefix, ".tmp", UMASK_PERMISSIONS);
        }
        catch (final UnsupportedOperationException ex)
        {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
    }

    private static void discard(final Path temporary) throws IOException
    {
        synchronized (LOCK)
        {
            PENDING.remove(temporary);
            Files.deleteIfExists(temporary);
        }
    }

    /** The shutdown hook: no output may be committed after it, and no temporary file may stay. */
    static void removeAllPending()
    {
        synchronized (LOCK)
        {
            shuttingDown = true;
            for (final Path p : PENDING)
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException ex)
                {
                    // Nothing more can be done while the JVM stops; the name says what the file is.
                }
            }
            PENDING.clear();
        }
    }

    static String reason(final FileSystemException ex)
    {
        return ex.getReason() != null ? ex.getReason() : ex.getClass().getSimpleName().replace("Exception", "")
            .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
}
