package io.vipflow.sync;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Path;

/**
 * An embedded Aeron media driver for the sync of one process: one thread for all its work, terms of 4 MiB, its
 * directory removed at start (left by a killed process) and at close. Nothing has to run beside the application.
 * <p>
 * Thread contract: {@link #launch} and {@link #close} from one thread; the driver runs on its own.
 */
public final class SyncDriver implements AutoCloseable
{
    private static final int TERM_LENGTH = 4 << 20;

    private final MediaDriver driver;

    private SyncDriver(final MediaDriver driver)
    {
        this.driver = driver;
    }

    /** Starts a driver in {@code directory} (a unique directory per driver; /dev/shm is fastest). */
    public static SyncDriver launch(final Path directory)
    {
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            // Parks at most 100 µs when idle: the sync lag stays well under a millisecond without a spinning core.
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 100_000))
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .termBufferSparseFile(true)
            .driverTimeoutMs(SyncNode.DRIVER_TIMEOUT_MS)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        return new SyncDriver(MediaDriver.launch(ctx));
    }

    public String directory()
    {
        return driver.aeronDirectoryName();
    }

    @Override
    public void close()
    {
        driver.close();
    }
}
