package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.Decision;
import io.vipflow.harness.gen.PacketMeta;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One preallocated entry of the replay ring: a packet (in {@link Decision#tuple}), what the generator knows about
 * it, and, once a worker has classified it, the decision. Slots are reused for ever; nothing is allocated per
 * packet.
 * <p>
 * Thread contract: a slot passes through three owners in turn. The generator writes every field except the
 * decision's result and offers the slot to a worker's queue (a release). The worker classifies into
 * {@link #decision}, sets {@link #costNanos} and publishes with {@link #releaseDone}. The collector reads the slot
 * after {@link #acquireDone} returns the slot's {@link #index}, and hands it back to the generator by advancing its
 * collected count (a release the generator acquires before reusing the slot).
 */
public final class Slot
{
    private static final VarHandle DONE;

    static
    {
        try
        {
            DONE = MethodHandles.lookup().findVarHandle(Slot.class, "done", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The packet's tuple lives in {@code decision.tuple}, so classification reads and writes one object. */
    public final Decision decision = new Decision();
    public final PacketMeta meta = new PacketMeta();
    /** Packet number in the run, from 0. */
    public long index;
    /** Balancer instance that classifies the packet (0 without a fleet). */
    public int instance;
    /** The instance's classifier. */
    public Classifier classifier;
    /** Wall-clock nanoseconds the classification took; measured for a flow's first packet only. */
    public long costNanos;
    @SuppressWarnings("unused")
    private long done = -1;

    /** Worker: the decision for packet {@code index} is complete (a release store). */
    void releaseDone(final long packetIndex)
    {
        DONE.setRelease(this, packetIndex);
    }

    /** Collector: the index of the last packet completed in this slot (an acquire load). */
    long acquireDone()
    {
        return (long)DONE.getAcquire(this);
    }
}
