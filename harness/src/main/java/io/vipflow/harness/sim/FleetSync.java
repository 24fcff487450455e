package io.vipflow.harness.sim;

import io.aeron.Aeron;
import io.vipflow.Classifier;
import io.vipflow.sync.SyncConfig;
import io.vipflow.sync.SyncDriver;
import io.vipflow.sync.SyncNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Connection sync for a simulated fleet: one embedded media driver, and per instance a {@link SyncNode} on Aeron IPC
 * with its own agent thread. The nodes read simulated time from {@link #now}, which the generator advances.
 * <p>
 * A simulation runs many times faster than real time, so the sync's real lag cannot be laid onto simulated time
 * directly. Instead, before each fleet change {@link #awaitApplied} waits until every change offered so far has
 * reached every peer, and reports how many were still on their way when the change came ("in flight").
 * <p>
 * Thread contract: every method on the generator thread; each node's agent runs on its own thread.
 */
final class FleetSync implements AutoCloseable
{
    private static final long AWAIT_NANOS = 30_000_000_000L;

    private final Path directory;
    private final SyncDriver driver;
    private final Aeron aeron;
    private final List<SyncNode> nodes = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    /** Per receiver and sender: update records the sender had sent before the receiver joined. */
    private final Map<String, Long> sentBeforeJoin = new HashMap<>();
    private long inFlightAtChanges;
    private long lagP50 = -1;
    private long lagP99 = -1;
    private long dropped;
    private long lost;

    FleetSync()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            directory = Files.isDirectory(shm) && Files.isWritable(shm) ?
                Files.createTempDirectory(shm, "vipflow-sync-") : Files.createTempDirectory("vipflow-sync-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        driver = SyncDriver.launch(directory.resolve("driver"));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.directory()));
    }

    /** Simulated time as the nodes read it: the time of the latest packet handed to the workers. */
    void now(final long nanos)
    {
        now.lazySet(nanos);
    }

    /** Connects an instance; one that joins a running fleet first asks for the table and waits until it has it. */
    void attach(final Classifier classifier, final boolean joining)
    {
        final SyncNode node = new SyncNode(classifier, SyncConfig.ipc(driver.directory()).withClock(now::get)
            // No periodic refresh: it runs on the wall clock, which means nothing in simulated time, and the fleet
            // change waits for every update anyway.
            .withRefreshPeriod(0).withCatchUp(joining), aeron).start();
        for (final SyncNode sender : nodes)
        {
            sentBeforeJoin.put(pair(node, sender), sender.recordsSent());
        }
        nodes.add(node);
        if (joining)
        {
            await(node::caughtUp, "a joining instance to receive a peer's table");
        }
    }

    /** Disconnects the last instance (it stops: what it had not sent is lost). */
    void detachLast()
    {
        final SyncNode node = nodes.remove(nodes.size() - 1);
        collect(node);
        node.close();
    }

    /**
     * Waits until every change offered so far has been sent and applied by every other node. Returns the changes
     * that were still on their way when called.
     */
    long awaitApplied()
    {
        long inFlight = 0;
        for (final SyncNode sender : nodes)
        {
            inFlight += sender.ring().pending() * (nodes.size() - 1);
            for (final SyncNode receiver : nodes)
            {
                if (receiver != sender)
                {
                    inFlight += Math.max(0, sender.recordsSent() - sentBeforeJoin.getOrDefault(pair(receiver, sender),
                        0L) - receiver.recordsFrom(sender.instanceId()));
                }
            }
        }
        for (final SyncNode sender : nodes)
        {
            await(sender::drained, "a sync sender to empty its ring");
            final long last = sender.messagesSent() - 1;
            for (final SyncNode receiver : nodes)
            {
                if (receiver != sender && last >= 0)
                {
                    await(() -> receiver.lastSequenceFrom(sender.instanceId()) >= last,
                        "every peer to apply a sender's messages");
                }
            }
        }
        inFlightAtChanges += inFlight;
        return inFlight;
    }

    private static String pair(final SyncNode receiver, final SyncNode sender)
    {
        return receiver.instanceId() + "/" + sender.instanceId();
    }

    private static void await(final java.util.function.BooleanSupplier done, final String what)
    {
        final long deadline = System.nanoTime() + AWAIT_NANOS;
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("sync: timed out waiting for " + what);
            }
            Thread.yield();
        }
    }

    private void collect(final SyncNode node)
    {
        dropped += node.recordsDropped();
        lost += node.recordsLost();
        lagP50 = Math.max(lagP50, node.lagNanos(50));
        lagP99 = Math.max(lagP99, node.lagNanos(99));
    }

    /** The figures of this run, taken from every node (call before {@link #close}). */
    SyncFigures figures()
    {
        nodes.forEach(this::collect);
        return new SyncFigures(inFlightAtChanges, dropped, lost, lagP50, lagP99);
    }

    /**
     * @param inFlightAtChanges changes not yet applied by every peer when a fleet change came (the harness then
     *                          waited for them)
     * @param dropped           changes the data plane dropped because a ring was full
     * @param lost              changes a sender could not deliver to some peer
     * @param lagP50Nanos       median send-to-apply lag, wall clock, of the slowest node
     * @param lagP99Nanos       99th percentile of the same
     */
    record SyncFigures(long inFlightAtChanges, long dropped, long lost, long lagP50Nanos, long lagP99Nanos)
    {
    }

    @Override
    public void close()
    {
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            nodes.get(i).close();
        }
        nodes.clear();
        aeron.close();
        driver.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            // A leftover temporary directory is harmless.
        }
    }
}
