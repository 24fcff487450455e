package io.vipflow.harness.gen;

import java.util.Arrays;

/**
 * The generator's queue of flows by next packet time: a binary min-heap over parallel primitive arrays, ordered by
 * time and then flow id, so a comparison reads two arrays instead of following two object references (the queue
 * holds every open flow, tens of thousands in a long run, and is touched twice per packet).
 * <p>
 * Thread contract: confined to the generator's thread.
 */
final class FlowHeap
{
    private long[] times = new long[1024];
    private int[] ids = new int[1024];
    private TrafficFlow[] flows = new TrafficFlow[1024];
    private int size;

    boolean isEmpty()
    {
        return size == 0;
    }

    int size()
    {
        return size;
    }

    /** @return the flow with the earliest next packet, or null. */
    TrafficFlow peek()
    {
        return size == 0 ? null : flows[0];
    }

    void add(final TrafficFlow f)
    {
        if (size == flows.length)
        {
            times = Arrays.copyOf(times, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
            flows = Arrays.copyOf(flows, size * 2);
        }
        int i = size++;
        final long t = f.next;
        final int id = f.id;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(t, id, times[parent], ids[parent]))
            {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, f);
    }

    /** Removes and returns the earliest flow, or null. */
    TrafficFlow poll()
    {
        if (size == 0)
        {
            return null;
        }
        final TrafficFlow head = flows[0];
        final int last = --size;
        final TrafficFlow moved = flows[last];
        flows[last] = null;
        if (last > 0)
        {
            final long t = moved.next;
            final int id = moved.id;
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= last)
                {
                    break;
                }
                if (child + 1 < last && before(times[child + 1], ids[child + 1], times[child], ids[child]))
                {
                    child++;
                }
                if (!before(times[child], ids[child], t, id))
                {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, moved);
        }
        return head;
    }

    private static boolean before(final long t1, final int id1, final long t2, final int id2)
    {
        return t1 < t2 || (t1 == t2 && id1 < id2);
    }

    private void move(final int from, final int to)
    {
        times[to] = times[from];
        ids[to] = ids[from];
        flows[to] = flows[from];
    }

    private void set(final int i, final TrafficFlow f)
    {
        times[i] = f.next;
        ids[i] = f.id;
        flows[i] = f;
    }
}
