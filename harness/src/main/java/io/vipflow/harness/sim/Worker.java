package io.vipflow.harness.sim;

import org.agrona.concurrent.Agent;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.SpscArrayQueue;

/**
 * A data-plane worker: takes slots from its own queue in the order the generator offered them, classifies each and,
 * when asked, checks the decision at once. Clients are steered to one worker by hash, so a flow's packets are
 * classified and checked in order.
 * <p>
 * Thread contract: {@link #doWork} runs on the worker's own {@link org.agrona.concurrent.AgentRunner} thread; the
 * queue's single producer is the generator thread.
 */
final class Worker implements Agent
{
    private static final int BATCH = 64;

    private final int id;
    private final SpscArrayQueue<Slot> queue;
    private final ClassifyStep step;
    private final PacketSink check;
    private final MessagePassingQueue.Consumer<Slot> process = this::process;

    /**
     * @param check sees each decision on this worker's thread, in this worker's packet order, before the collector
     *              does; null for none.
     */
    Worker(final int id, final int capacity, final ClassifyStep step, final PacketSink check)
    {
        this.id = id;
        this.queue = new SpscArrayQueue<>(capacity);
        this.step = step;
        this.check = check;
    }

    SpscArrayQueue<Slot> queue()
    {
        return queue;
    }

    @Override
    public int doWork()
    {
        return queue.drain(process, BATCH);
    }

    private void process(final Slot slot)
    {
        // The cost of a flow's first packet is the new-flow cost the report shows; other packets are not timed,
        // so the clock reads do not slow the common path.
        if (slot.meta.first)
        {
            final long start = System.nanoTime();
            step.classify(slot.classifier, slot.decision.tuple, slot.meta.timeNanos, slot.decision);
            slot.costNanos = System.nanoTime() - start;
        }
        else
        {
            step.classify(slot.classifier, slot.decision.tuple, slot.meta.timeNanos, slot.decision);
        }
        if (check != null)
        {
            check.accept(slot);
        }
        slot.releaseDone(slot.index);
    }

    @Override
    public String roleName()
    {
        return "vipflow-sim-worker-" + id;
    }
}
