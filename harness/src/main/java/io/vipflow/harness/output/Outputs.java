package io.vipflow.harness.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files one command reads and writes, so that an output is refused before any work starts when it is one
 * of the inputs (compared as files, by device and inode, not by name: a hard link or a symbolic link to an input
 * is the input), another output, or something other than a regular file (a directory, a symbolic link, a FIFO
 * or a device, which writing would replace by a regular file).
 * <p>
 * Thread contract: one command's thread.
 */
public final class Outputs
{
    private record Named(String label, Path path)
    {
    }

    private final List<Named> inputs = new ArrayList<>();
    private final Map<Path, String> outputs = new HashMap<>();

    /**
     * Records an input; null (an option not given) and paths that do not exist are ignored, since the reader
     * reports those.
     *
     * @param label the option that names it, e.g. {@code --trace}.
     */
    public Outputs input(final String label, final Path path)
    {
        if (path != null)
        {
            inputs.add(new Named(label, path));
        }
        return this;
    }

    /**
     * Checks an output before the command starts; null (an option not given) passes.
     *
     * @param label the option that names it, e.g. {@code --decisions}.
     * @return {@code path}.
     * @throws OutputRefusedException with one line naming the option, the path and the reason.
     */
    public Path output(final String label, final Path path) throws IOException
    {
        if (path == null)
        {
            return null;
        }
        final String named = label + " " + path;
        requireRegularOrAbsent(named, path);
        if (Files.exists(path))
        {
            for (final Named in : inputs)
            {
                if (Files.exists(in.path()) && Files.isSameFile(path, in.path()))
                {
                    throw new OutputRefusedException(named + ": is the same file as the input " + in.label() + " " +
                        in.path() + "; writing it would destroy the input");
                }
            }
        }
        final String earlier = outputs.putIfAbsent(canonical(path), label);
        if (earlier != null)
        {
            throw new OutputRefusedException(named + ": is also the output of " + earlier +
                "; give each output its own file");
        }
        return path;
    }

    /**
     * Checks a directory the command writes {@code files} into.
     *
     * @throws OutputRefusedException when {@code dir} exists and is not a directory, or a file is refused.
     */
    public void directory(final String label, final Path dir, final String... files) throws IOException
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new OutputRefusedException(label + " " + dir + ": is not a directory");
        }
        for (final String file : files)
        {
            output(label, dir.resolve(file));
        }
    }

    /**
     * @throws OutputRefusedException when {@code path} exists and is not a regular file (links are not followed).
     */
    static void requireRegularOrAbsent(final String named, final Path path) throws IOException
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (attributes.isSymbolicLink())
        {
            throw new OutputRefusedException(named + ": is a symbolic link; name the file itself or a new file");
        }
        if (attributes.isDirectory())
        {
            throw new OutputRefusedException(named + ": is a directory; name a file");
        }
        if (!attributes.isRegularFile())
        {
            throw new OutputRefusedException(named + ": is not a regular file (a FIFO, socket or device); " +
                "name a regular file");
        }
    }

    /** The real directory and the file's name: two spellings of one new file compare equal. */
    private static Path canonical(final Path path) throws IOException
    {
        final Path absolute = path.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        Path rest = absolute.getFileName();
        while (dir != null && !Files.exists(dir))
        {
            rest = dir.getFileName().resolve(rest);
            dir = dir.getParent();
        }
        return dir == null ? absolute : dir.toRealPath().resolve(rest);
    }
}
