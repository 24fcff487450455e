package io.vipflow.harness.sim;

import org.agrona.concurrent.Agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Takes classified slots off the ring in packet order and hands them to the {@link PacketSink}: the merge by
 * packet index that makes the output independent of how packets were spread over workers.
 * <p>
 * Thread contract: {@link #doWork} runs on the collector's own runner thread. {@link #acquireCollected} may be
 * called from any thread; its result is published with a release store after the sink has finished with every
 * earlier packet, so the reader may then reuse those slots and touch what the sink touched.
 */
final class Collector implements Agent
{
    private static final VarHandle COLLECTED;
    private static final int BATCH = 256;

    static
    {
        try
        {
            COLLECTED = MethodHandles.lookup().findVarHandle(Collector.class, "collected", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Slot[] ring;
    private final int mask;
    private final PacketSink sink;
    private final ParallelReplay.Failure failure;
    /** Packets handed to the sink; written by the collector thread only. */
    @SuppressWarnings("unused")
    private long collected;
    private long next;

    Collector(final Slot[] ring, final PacketSink sink, final ParallelReplay.Failure failure)
    {
        this.ring = ring;
        this.mask = ring.length - 1;
        this.sink = sink;
        this.failure = failure;
    }

    long acquireCollected()
    {
        return (long)COLLECTED.getAcquire(this);
    }

    @Override
    public int doWork()
    {
        if (failure.failed())
        {
            return 0;
        }
        int work = 0;
        while (work < BATCH)
        {
            final Slot slot = ring[(int)(next & mask)];
            if (slot.acquireDone() != next)
            {
                break;
            }
            try
            {
                sink.accept(slot);
            }
            catch (final RuntimeException | Error ex)
            {
                failure.record(ex);
                return work;
            }
            next++;
            work++;
            COLLECTED.setRelease(this, next);
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "vipflow-sim-collector";
    }
}
