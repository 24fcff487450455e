package io.vipflow.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared fixtures: {@code shared/fixtures} in the working directory or any folder above it. */
public final class Fixtures
{
    private Fixtures()
    {
    }

    public static Path replaySample()
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
}
