package io.vipflow.bench;

import io.aeron.driver.ThreadingMode;
import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.service.ControlPlane;
import io.vipflow.sync.SyncConfig;
import io.vipflow.sync.SyncDriver;
import io.vipflow.sync.SyncNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Two balancers synced through one embedded media driver, over Aeron IPC or over UDP on 127.0.0.1, for the sync
 * benchmarks. The driver's directory is a fresh one under /dev/shm (or the temporary directory) and is removed at
 * close.
 * <p>
 * Thread contract: built and closed by one thread; the nodes run their agents on their own threads.
 */
final class SyncPair implements AutoCloseable
{
    static final String IPC = "ipc";
    static final String UDP = "udp";
    static final long SENDER_ID = 1;
    static final long RECEIVER_ID = 2;

    final Classifier sender;
    final Classifier receiver;
    final SyncNode senderNode;
    final SyncNode receiverNode;
    private final Path directory;
    private final SyncDriver driver;

    /**
     * @param ringRecords changes the sender's ring holds: small for a throughput figure, so that what waits in the
     *                    ring at the end of an iteration is negligible
     * @param threading   the driver's threading mode
     * @param idleParkNanos the longest the driver's threads and both agents sleep when idle
     */
    SyncPair(final String transport, final Supplier<ControlPlane> cluster, final ConnTimeouts timeouts,
        final int capacity, final int ringRecords, final ThreadingMode threading, final long idleParkNanos)
    {
        directory = tempDirectory();
        driver = SyncDriver.launch(directory.resolve("driver"), threading, idleParkNanos);
        final ClassifierConfig config = ClassifierConfig.defaults().withConnectionCapacity(capacity)
            .withAffinityCapacity(16).withTimeouts(timeouts);
        sender = new Classifier(cluster.get(), config);
        receiver = new Classifier(cluster.get(), config);
        final SyncConfig a;
        final SyncConfig b;
        if (transport.equals(UDP))
        {
            final String pa = "127.0.0.1:" + freeUdpPort();
            final String pb = "127.0.0.1:" + freeUdpPort();
            a = SyncConfig.udp(driver.directory(), pa, List.of(pb));
            b = SyncConfig.udp(driver.directory(), pb, List.of(pa));
        }
        else
        {
            a = SyncConfig.ipc(driver.directory());
            b = SyncConfig.ipc(driver.directory());
        }
        // Ids 1 and 2 name the agents' threads "vipflow-sync-1" and "-2".
        senderNode = new SyncNode(sender, a.withRingRecords(ringRecords).withIdleParkNanos(idleParkNanos)
            .withInstanceId(SENDER_ID)).start();
        receiverNode = new SyncNode(receiver, b.withIdleParkNanos(idleParkNanos).withInstanceId(RECEIVER_ID)).start();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!senderNode.peersConnected())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("sync: the peer did not connect within 10 s");
            }
            Thread.yield();
        }
    }

    private static Path tempDirectory()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "vipflow-bench-") :
                Files.createTempDirectory("vipflow-bench-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeUdpPort()
    {
        try (DatagramSocket s = new DatagramSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    String driverDirectory()
    {
        return driver.directory();
    }

    @Override
    public void close()
    {
        receiverNode.close();
        senderNode.close();
        sender.close();
        receiver.close();
        driver.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            // Nothing left to remove.
        }
    }
}
