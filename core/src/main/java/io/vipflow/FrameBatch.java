package io.vipflow;

import io.vipflow.packet.PacketTuple;

/**
 * A batch of frames to classify together ({@link Classifier#classifyFrames(org.agrona.DirectBuffer, FrameBatch,
 * int, int, long)}), and everything the batch needs: where each frame lies in the receive buffer, one
 * {@link Decision} per frame, and the tuple array the batch hands over internally. It owns its arrays, so nothing
 * is allocated per batch and no array can be missing or too short.
 * <p>
 * The decisions of a batch share one tally of pending counts, so {@link Classifier#stats()} lags by at most
 * {@link ClassifierStats#FLUSH_EVERY} packets per batch, as for a single {@link Decision}.
 * <p>
 * Thread contract: one thread at a time (one batch per data-plane thread, reused).
 */
public final class FrameBatch
{
    private final int[] offsets;
    private final int[] lengths;
    private final Decision[] decisions;
    final PacketTuple[] tuples;
    final long[] tally = new long[ClassifierStats.TALLIED];

    /**
     * @param capacity the most frames one batch holds (at least 1)
     */
    public FrameBatch(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("batch capacity must be positive: " + capacity);
        }
        offsets = new int[capacity];
        lengths = new int[capacity];
        decisions = new Decision[capacity];
        tuples = new PacketTuple[capacity];
        for (int i = 0; i < capacity; i++)
        {
            decisions[i] = new Decision(tally);
        }
    }

    /**
     * @return the most frames the batch holds
     */
    public int capacity()
    {
        return decisions.length;
    }

    /**
     * Places frame {@code i} of the next batch.
     *
     * @param i      the frame's index, below {@link #capacity()}
     * @param offset where the frame starts in the buffer
     * @param length the frame's captured bytes (also taken as its length on the wire)
     */
    public void frame(final int i, final int offset, final int length)
    {
        offsets[i] = offset;
        lengths[i] = length;
    }

    /**
     * @param i the frame's index
     * @return the decision for frame {@code i} of the last batch classified
     */
    public Decision decision(final int i)
    {
        return decisions[i];
    }

    int[] offsets()
    {
        return offsets;
    }

    int[] lengths()
    {
        return lengths;
    }

    Decision[] decisions()
    {
        return decisions;
    }
}
