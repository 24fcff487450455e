package io.vipflow.harness.sim;

import org.agrona.concurrent.Agent;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.SpscArrayQueue;

/**
 * A data-plane worker: takes slots from its own queue in the order the generator offered them and classifies each.
 * Flows are steered to one worker by hash, so a flow's packets are classified in order.
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
    private final MessagePassingQueue.Consumer<Slot> process = this::process;

    Worker(final int id, final int capacity, final ClassifyStep step)
    {
        this.id = id;
        this.queue = new SpscArrayQueue<>(capacity);
        this.step = step;
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
        slot.releaseDone(slot.index);
    }

    @Override
    public String roleName()
    {
        return "vipflow-sim-worker-" + id;
    }
}
