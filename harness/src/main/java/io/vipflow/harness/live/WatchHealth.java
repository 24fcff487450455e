package io.vipflow.harness.live;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reports an informer that has not been watching for longer than a limit, and its return. After the first list,
 * an informer whose watch breaks lists again by itself; the client bounds that request only up to the response
 * headers, so a server that stalls the body holds the informer silently while decisions go on with the state last
 * published. The owner hears of it once per outage, with the resource and the server, so a user knows the state
 * may be stale.
 * <p>
 * Thread contract: one daemon thread of its own polls the informers (whose state is safe to read from any thread)
 * and calls {@code say} from it; {@link #close} from the owner.
 */
final class WatchHealth implements AutoCloseable
{
    private static final long POLL_MILLIS = 100;

    private final List<SharedIndexInformer<?>> informers;
    private final List<String> names;
    private final long limitNanos;
    private final String server;
    private final Consumer<String> say;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param names  what each informer follows ("Services"), in the same order
     * @param limit  how long an informer may be without a watch before it is reported
     * @param server the API server's address, named in the report
     * @param say    receives one line per outage and one per recovery
     */
    WatchHealth(final List<SharedIndexInformer<?>> informers, final List<String> names, final Duration limit,
        final String server, final Consumer<String> say)
    {
        this.informers = informers;
        this.names = names;
        this.limitNanos = limit.toNanos();
        this.server = server;
        this.say = say;
        this.thread = new Thread(this::poll, "watch-health");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll()
    {
        final long[] downSince = new long[informers.size()];
        final boolean[] reported = new boolean[informers.size()];
        while (running)
        {
            final long now = System.nanoTime();
            for (int i = 0; i < informers.size(); i++)
            {
                if (informers.get(i).isWatching())
                {
                    if (reported[i])
                    {
                        say.accept("the " + names.get(i) + " watch is back after " +
                            KubeWatch.seconds(Duration.ofNanos(now - downSince[i])) + " s");
                    }
                    downSince[i] = 0;
                    reported[i] = false;
                }
                else if (downSince[i] == 0)
                {
                    downSince[i] = now;
                }
                else if (!reported[i] && now - downSince[i] > limitNanos)
                {
                    reported[i] = true;
                    say.accept("warning: no " + names.get(i) + " watch for " +
                        KubeWatch.seconds(Duration.ofNanos(limitNanos)) + " s (the API server at " + server +
                        " does not complete the list that resumes it); decisions use the state last published");
                }
            }
            try
            {
                Thread.sleep(POLL_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
    }
}
