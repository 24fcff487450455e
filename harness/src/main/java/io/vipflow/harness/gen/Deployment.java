package io.vipflow.harness.gen;

import java.util.ArrayList;
import java.util.List;

/**
 * A Deployment and the pods it owns, plus where each pod sits in the Service's EndpointSlices (an endpoint never
 * moves between slices, as with the EndpointSlice controller, so a change never shows a pod missing or listed
 * twice between two slice updates).
 * <p>
 * Thread contract: confined to the generating thread.
 */
final class Deployment
{
    /** Endpoints per slice, the EndpointSlice controller's default {@code --max-endpoints-per-slice}. */
    static final int MAX_PER_SLICE = 100;

    final ServiceShape shape;
    /** Position in declaration order; fixes the ClusterIPs. */
    final int index;
    final List<Pod> pods = new ArrayList<>();
    /** Slices by number; an emptied slice other than number 0 is deleted, and the next new one takes its number. */
    final List<SliceBook> slices = new ArrayList<>();
    int replicas;
    int revision = 1;
    int surge;
    int unavailable;
    boolean rolling;
    boolean removed;
    int podSerial;

    Deployment(final ServiceShape shape, final int index)
    {
        this.shape = shape;
        this.index = index;
        this.replicas = shape.replicas();
        slices.add(new SliceBook(0));
    }

    /** The pods one EndpointSlice lists, in the order they joined it. */
    static final class SliceBook
    {
        final int number;
        final List<String> pods = new ArrayList<>();

        SliceBook(final int number)
        {
            this.number = number;
        }
    }

    String key()
    {
        return shape.key();
    }

    void place(final Pod pod)
    {
        pods.add(pod);
        for (final SliceBook slice : slices)
        {
            if (slice.pods.size() < MAX_PER_SLICE)
            {
                slice.pods.add(pod.name);
                return;
            }
        }
        int number = 0;
        int at = 0;
        while (at < slices.size() && slices.get(at).number == number)
        {
            number++;
            at++;
        }
        final SliceBook fresh = new SliceBook(number);
        fresh.pods.add(pod.name);
        slices.add(at, fresh);
    }

    void unplace(final Pod pod)
    {
        pods.remove(pod);
        for (int i = 0; i < slices.size(); i++)
        {
            final SliceBook slice = slices.get(i);
            if (slice.pods.remove(pod.name))
            {
                if (slice.pods.isEmpty() && slice.number != 0)
                {
                    slices.remove(i);
                }
                return;
            }
        }
    }

    Pod pod(final String name)
    {
        for (final Pod p : pods)
        {
            if (p.name.equals(name))
            {
                return p;
            }
        }
        return null;
    }

    int count(final Pod.Phase phase)
    {
        int n = 0;
        for (final Pod p : pods)
        {
            if (p.phase == phase)
            {
                n++;
            }
        }
        return n;
    }
}
