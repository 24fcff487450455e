package io.vipflow.harness.sim;

import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The replay pipeline: the calling (generator) thread fills preallocated {@link Slot}s of a ring and steers each
 * to one of N data-plane {@link Worker}s through its single-producer queue, by a hash of the packet's source address
 * (as a NIC's RSS does with a source-only hash): all of a client's flows stay in order on one worker, which keeps
 * session affinity exact and lets each worker check its own decisions against a reference model of its own. Workers
 * and the {@link Collector} run as Agrona agents on their own threads; the collector hands decisions to the sink in
 * packet order.
 * <p>
 * Use: {@link #claim} a slot, fill it, {@link #dispatch} it; {@link #drain} waits until every dispatched packet has
 * reached the sink, after which the caller may change shared state (publish a control-plane change, touch what the
 * sink owns) before dispatching more.
 * <p>
 * Thread contract: {@link #claim}, {@link #dispatch}, {@link #drain} and {@link #close} belong to one thread, the
 * generator.
 */
public final class ParallelReplay implements AutoCloseable
{
    /** The first error of a worker or of the sink; the generator rethrows it. */
    static final class Failure
    {
        private final AtomicReference<Throwable> first = new AtomicReference<>();

        void record(final Throwable t)
        {
            first.compareAndSet(null, t);
        }

        boolean failed()
        {
            return first.get() != null;
        }

        void rethrow()
        {
            final Throwable t = first.get();
            if (t instanceof RuntimeException r)
            {
                throw r;
            }
            if (t instanceof Error e)
            {
                throw e;
            }
            if (t != null)
            {
                throw new IllegalStateException(t);
            }
        }
    }

    private final Slot[] ring;
    private final int mask;
    private final Worker[] workers;
    private final Collector collector;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final Failure failure = new Failure();
    private final IdleStrategy waiting = new BackoffIdleStrategy(64, 16, TimeUnit.MICROSECONDS.toNanos(1),
        TimeUnit.MICROSECONDS.toNanos(200));
    private long claimed;

    /**
     * @param workers  data-plane threads, ≥ 1.
     * @param ringSize packets in flight at most, a power of two.
     * @param step     how a worker classifies.
     * @param checks   one per worker (or null): sees each of that worker's decisions on its thread.
     * @param sink     receives the classified packets in order, on the collector thread.
     */
    public ParallelReplay(final int workers, final int ringSize, final ClassifyStep step,
        final List<PacketSink> checks, final PacketSink sink)
    {
        if (workers < 1 || Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("need ≥ 1 worker and a power-of-two ring: " + workers + ", " + ringSize);
        }
        ring = new Slot[ringSize];
        for (int i = 0; i < ringSize; i++)
        {
            ring[i] = new Slot();
        }
        mask = ringSize - 1;
        this.workers = new Worker[workers];
        collector = new Collector(ring, sink, failure);
        for (int i = 0; i < workers; i++)
        {
            this.workers[i] = new Worker(i, ringSize, step, checks == null ? null : checks.get(i));
            start(this.workers[i]);
        }
        start(collector);
    }

    private void start(final org.agrona.concurrent.Agent agent)
    {
        final AgentRunner runner = new AgentRunner(idle(), failure::record, null, agent);
        runners.add(runner);
        AgentRunner.startOnThread(runner);
    }

    /** Parks quickly: the machine may have fewer cores than the pipeline has threads. */
    private static IdleStrategy idle()
    {
        return new BackoffIdleStrategy(32, 8, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(200));
    }

    /** @return the next slot, its {@link Slot#index} set; waits while the ring is full. */
    public Slot claim()
    {
        final long index = claimed;
        while (index - collector.acquireCollected() >= ring.length)
        {
            pause();
        }
        final Slot slot = ring[(int)(index & mask)];
        slot.index = index;
        slot.costNanos = 0;
        claimed = index + 1;
        return slot;
    }

    /** Hands the slot last claimed to its worker. */
    public void dispatch(final Slot slot)
    {
        final Worker w = workers[workerFor(slot.decision.tuple, workers.length)];
        while (!w.queue().offer(slot))
        {
            pause();
        }
    }

    /** Waits until every dispatched packet has been through the sink. */
    public void drain()
    {
        while (collector.acquireCollected() != claimed)
        {
            pause();
        }
        waiting.reset();
    }

    /** @return packets claimed so far. */
    public long claimed()
    {
        return claimed;
    }

    private void pause()
    {
        failure.rethrow();
        waiting.idle();
    }

    /** RSS-like steering by source address, with mixing of its own (independent of ECMP and schedulers). */
    public static int workerFor(final PacketTuple t, final int n)
    {
        if (n == 1)
        {
            return 0;
        }
        long h = t.srcHi * 0x9E3779B97F4A7C15L ^ t.srcLo;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
        h ^= h >>> 32;
        return (int)((h & 0x7fff_ffffL) % n);
    }

    /** Drains, then stops every agent thread. */
    @Override
    public void close()
    {
        try
        {
            if (!failure.failed())
            {
                drain();
            }
        }
        finally
        {
            for (final AgentRunner r : runners)
            {
                r.close();
            }
        }
        failure.rethrow();
    }
}
