package io.vipflow.harness;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The replay sample under {@code src/test/resources/replay-sample}: the files {@code vipflow sample} writes
 * ({@link io.vipflow.harness.sample.ReplaySample}), kept in the repository so tests read them as a user would.
 */
public final class Fixtures
{
    private Fixtures()
    {
    }

    public static Path replaySample()
    {
        final URL url = Fixtures.class.getResource("/replay-sample/cluster.json");
        if (url == null)
        {
            throw new IllegalStateException("replay-sample/cluster.json is not on the test class path");
        }
        try
        {
            return Path.of(url.toURI()).getParent();
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
