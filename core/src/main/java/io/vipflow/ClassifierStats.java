package io.vipflow;

import io.vipflow.sched.ConnCounters;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The classifier's counters, kept in Agrona counters so that any thread (a metrics exporter, a CLI) can read
 * them while the data plane runs.
 * <p>
 * Data-plane threads count into their {@link Decision}'s private tally and add it to the shared counters every
 * {@link #FLUSH_EVERY} packets (and on {@link Classifier#flushStats}), so the hot path never contends on a shared
 * cache line. A reader may therefore be behind by up to {@link #FLUSH_EVERY} packets per {@link Decision} in use
 * (the decisions of a {@link FrameBatch} share one tally, so per batch); a thread that goes idle should call
 * {@code flushStats}. {@code entries} and the removal counters (expirations, evictions, deletions) are counted at
 * once by whichever thread creates or removes the entry. They change with every new flow and every removal, so
 * each is {@link ConnCounters#STRIPES} Agrona counters of the same label (each on its own cache line), a thread
 * adding to the one its thread id selects, so that threads do not all write one line per new flow. Their value is
 * the sum over the counters of the label ({@link #toMap} sums them; a {@link #reader()} user must too), exact
 * whenever no thread is changing it.
 */
public final class ClassifierStats
{
    /** Packets a thread classifies between two additions to the shared counters. */
    public static final int FLUSH_EVERY = 256;

    static final int PACKETS = 0;
    static final int HITS = 1;
    static final int INSERTS = 2;
    static final int RESCHEDULES = 3;
    static final int FLOOD_DROPS = 4;
    static final int TABLE_FULL = 5;
    static final int REPLIES = 6;
    static final int TALLIED = 7;

    private static final String[] NAMES =
        {"packets", "hits", "inserts", "reschedules", "flood-drops", "table-full-drops", "replies"};

    private final CountersManager manager;
    private final AtomicCounter[] tallied = new AtomicCounter[TALLIED];
    final AtomicCounter[] entries;
    final AtomicCounter[] expirations;
    final AtomicCounter[] evictions;
    final AtomicCounter[] deletions;

    ClassifierStats()
    {
        final int counters = TALLIED + 4 * ConnCounters.STRIPES;
        final AtomicBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(counters * CountersReader.METADATA_LENGTH));
        final AtomicBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(counters * CountersReader.COUNTER_LENGTH));
        manager = new CountersManager(meta, values);
        for (int i = 0; i < TALLIED; i++)
        {
            tallied[i] = manager.newCounter(NAMES[i]);
        }
        entries = striped("entries");
        expirations = striped("expirations");
        evictions = striped("evictions");
        deletions = striped("deletions");
    }

    private AtomicCounter[] striped(final String label)
    {
        final AtomicCounter[] stripes = new AtomicCounter[ConnCounters.STRIPES];
        for (int i = 0; i < stripes.length; i++)
        {
            stripes[i] = manager.newCounter(label);
        }
        return stripes;
    }

    /** Adds to the calling thread's stripe of a striped counter. */
    static void add(final AtomicCounter[] striped, final long delta)
    {
        striped[ConnCounters.threadStripe()].getAndAdd(delta);
    }

    /** Adds a thread's tally to the shared counters and clears it. */
    void flush(final long[] tally)
    {
        for (int i = 0; i < TALLIED; i++)
        {
            if (tally[i] != 0)
            {
                tallied[i].getAndAdd(tally[i]);
                tally[i] = 0;
            }
        }
    }

    /** {@return the counters, for readers on any thread} */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * {@return a copy of every counter by label (the stripes of a label summed), in a fixed order} Allocates; for
     * reports.
     */
    public Map<String, Long> toMap()
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        manager.forEach((value, id, label) -> out.merge(label, value, Long::sum));
        return out;
    }
}
