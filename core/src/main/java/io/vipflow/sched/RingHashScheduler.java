package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Ring hash (Ketama, as Envoy's {@code RING_HASH}): the flow hash finds the first point at or after it on a ring
 * of about {@code ring-size} points ({@link RingHash}). The ring holds the destinations with weight above 0,
 * sorted by name, so every instance builds the same ring.
 * <p>
 * Building: on the control plane; an unchanged set of names and weights reuses the previous ring, any other
 * change is applied incrementally to it (removed and shrunk backends' points out, new and grown backends'
 * points merged in), giving the ring a full build would give.
 * <p>
 * Concurrency: immutable; {@link #pick} is a binary search, allocation-free, safe from any number of threads.
 */
final class RingHashScheduler implements Scheduler
{
    private final RingHash ring;
    private final int[] toDestination;

    private RingHashScheduler(final RingHash ring, final int[] toDestination)
    {
        this.ring = ring;
        this.toDestination = toDestination;
    }

    static RingHashScheduler create(final List<Destination> destinations, final Scheduler previous,
        final int ringSize)
    {
        final int[] eligible = Weights.positiveIndexes(destinations);
        final Integer[] order = IntStream.of(eligible).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparing(i -> destinations.get(i).name()));
        final String[] names = new String[order.length];
        final int[] weights = new int[order.length];
        final int[] toDestination = new int[order.length];
        for (int r = 0; r < order.length; r++)
        {
            names[r] = destinations.get(order[r]).name();
            weights[r] = destinations.get(order[r]).weight();
            toDestination[r] = order[r];
        }
        if (names.length == 0)
        {
            return new RingHashScheduler(null, toDestination);
        }
        final RingHash before = previous instanceof RingHashScheduler ? ((RingHashScheduler)previous).ring : null;
        if (before != null && before.ringSize == ringSize && Arrays.equals(before.names, names) &&
            Arrays.equals(before.weights, weights))
        {
            return new RingHashScheduler(before, toDestination);
        }
        return new RingHashScheduler(RingHash.build(names, weights, ringSize, before), toDestination);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final RingHash r = ring;
        return r == null ? -1 : toDestination[r.lookup(flowHash)];
    }

    /** {@return points on the ring, 0 when no destination is eligible} */
    public int pointCount()
    {
        return ring == null ? 0 : ring.pointCount();
    }

    /** {@return true when this scheduler reuses {@code other}'s ring (no rebuild happened)} */
    public boolean sharesRingWith(final RingHashScheduler other)
    {
        return ring != null && ring == other.ring;
    }

    RingHash ring()
    {
        return ring;
    }

    @Override
    public String name()
    {
        return "ring-hash";
    }
}
