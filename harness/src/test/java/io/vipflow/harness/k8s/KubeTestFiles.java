package io.vipflow.harness.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the replay sample and writes inline test inputs to files.
 */
final class KubeTestFiles
{
    private KubeTestFiles()
    {
    }

    /**
     * @return the replay sample the project writes itself ({@code src/test/resources/replay-sample}).
     */
    static Path replaySample()
    {
        return io.vipflow.harness.Fixtures.replaySample();
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
