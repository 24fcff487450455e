package io.vipflow.harness.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared fixtures and writes inline test inputs to files.
 */
final class KubeTestFiles
{
    private KubeTestFiles()
    {
    }

    /**
     * @return {@code shared/fixtures/replay-sample}, found by walking up from the working directory.
     */
    static Path replaySample()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolve("shared").resolve("fixtures").resolve("replay-sample");
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no shared/fixtures/replay-sample above " + Path.of("").toAbsolutePath());
    }

    static Path write(final Path dir, final String name, final String text)
    {
        try
        {
            return Files.writeString(dir.resolve(name), text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the 1-based number of the first line of {@code text} containing {@code snippet}.
     */
    static int lineOf(final String text, final String snippet)
    {
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            if (lines[i].contains(snippet))
            {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("'" + snippet + "' not in text");
    }
}
