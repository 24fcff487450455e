package io.vipflow.sync;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import java.nio.file.Path;

/**
 * An embedded Aeron media driver for the sync of one process: terms of 4 MiB, its directory removed at start (left
 * by a killed process) and at close. Nothing has to run beside the application.
 * <p>
 * By default one thread does all the driver's work ({@link ThreadingMode#SHARED}) and sleeps at most
 * {@link SyncConfig#DEFAULT_IDLE_PARK_NANOS} when idle: on a balancer whose cores belong to the data plane, one
 * thread that mostly sleeps costs least, and sync traffic (64 bytes per change) never needs more. A change crosses the
 * driver once on the sending host and once on the receiving one, so each wake-up adds to the lag; {@link #launch(Path,
 * ThreadingMode, long)} trades CPU for lag (docs/SYNC.md gives the figures).
 * <p>
 * Thread contract: {@link #launch} and {@link #close} from one thread; the driver runs on its own.
 */
public final class SyncDriver implements AutoCloseable
{
    private static final int TERM_LENGTH = 4 << 20;
    /**
     * The driver goes to sleep at once when idle: each of its duty cycles polls its UDP sockets with system calls
     * (several microseconds in a virtual machine), so spinning on them after every message kept the driver's thread
     * busy most of the time at 100,000 changes per second.
     */
    private static final long DRIVER_SPINS = 0;

    private final MediaDriver driver;

    private SyncDriver(final MediaDriver driver)
    {
        this.driver = driver;
    }

    /** Starts a driver in {@code directory} (a unique directory per driver; /dev/shm is fastest) with the defaults. */
    public static SyncDriver launch(final Path directory)
    {
        return launch(directory, ThreadingMode.SHARED, SyncConfig.DEFAULT_IDLE_PARK_NANOS);
    }

    /**
     * Starts a driver in {@code directory} whose threads ({@code threadingMode}: one, two or three) each sleep at
     * most {@code idleParkNanos} when idle; 0 never sleeps (each thread takes a whole core).
     */
    public static SyncDriver launch(final Path directory, final ThreadingMode threadingMode, final long idleParkNanos)
    {
        if (threadingMode == ThreadingMode.INVOKER || idleParkNanos < 0)
        {
            throw new IllegalArgumentException("the driver runs its own threads and parks for a non-negative time");
        }
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(threadingMode)
            .sharedIdleStrategy(SyncConfig.idleStrategy(DRIVER_SPINS, idleParkNanos))
            .sharedNetworkIdleStrategy(SyncConfig.idleStrategy(DRIVER_SPINS, idleParkNanos))
            .conductorIdleStrategy(SyncConfig.idleStrategy(DRIVER_SPINS, idleParkNanos))
            .senderIdleStrategy(SyncConfig.idleStrategy(DRIVER_SPINS, idleParkNanos))
            .receiverIdleStrategy(SyncConfig.idleStrategy(DRIVER_SPINS, idleParkNanos))
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
