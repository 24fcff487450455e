package io.vipflow.bench;

import io.vipflow.sync.SyncConfig;
import io.vipflow.sync.SyncRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;

/**
 * A thread that empties a {@link SyncRing} as a sync node's agent does, without sending anything: through
 * {@link SyncRing#take}, a frame's worth of records at a time, and when it gets none it spins, yields, then parks for
 * up to the default idle park. It stands in for the agent where a benchmark measures the data plane's side of the
 * ring.
 * <p>
 * Thread contract: {@link #start} and {@link #close} from one thread; the drainer runs on its own.
 */
final class RingDrainer implements AutoCloseable
{
    /** The records a node's agent takes from the ring per message with the default 8 KiB frames. */
    private static final int READ_LIMIT = 126;
    private static final MessageHandler DISCARD = (type, buffer, index, length) -> { };

    private final SyncRing ring;
    private final Thread thread;
    private volatile boolean running = true;

    private RingDrainer(final SyncRing ring)
    {
        this.ring = ring;
        final IdleStrategy idle = SyncConfig.idleStrategy(SyncConfig.DEFAULT_IDLE_PARK_NANOS);
        thread = new Thread(() ->
        {
            while (running)
            {
                idle.idle(ring.take(DISCARD, READ_LIMIT, System.nanoTime()));
            }
        }, "sync-ring-drainer");
        thread.setDaemon(true);
    }

    static RingDrainer start(final SyncRing ring)
    {
        final RingDrainer d = new RingDrainer(ring);
        d.thread.start();
        return d;
    }

    /**
     * Stops the thread and prints the changes the ring dropped, if any: then a figure is not the offer's. (Only then:
     * the print falls into the last iteration, whose allocation the gate checks.)
     */
    @Override
    public void close() throws InterruptedException
    {
        running = false;
        thread.join();
        if (ring.dropped() > 0)
        {
            System.out.println("sync: " + ring.dropped() + " changes dropped (ring full): the draining thread fell " +
                "behind, the score is not the offer's");
        }
    }
}
