package io.vipflow.sync;

import io.vipflow.SyncedFlows;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.service.Backend;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The sending side of whole tables: a peer's request for this node's table (catch-up), or the periodic refresh to
 * every peer. A scan reads the table a few hundred slots per step, so that the node's agent sends its live batches in
 * between; requests wait their turn, one table at a time.
 * <p>
 * Thread contract: the node's agent thread only, except {@link #recordsSent()} from any thread.
 */
final class TableScan
{
    /** Addressee of a table sent to every peer: the periodic refresh. */
    static final long EVERY_PEER = 0;
    /** {@link #serving} while a refresh scan runs. */
    private static final long REFRESHING = Long.MIN_VALUE;
    private static final int SLOTS_PER_STEP = 256;

    private final SyncedFlows flows;
    private final LongSupplier clock;
    private final long refreshPeriodNanos;
    private final ArrayDeque<Long> requesters = new ArrayDeque<>();
    private final SyncedFlows.EntryVisitor visitor = this::entry;
    private long serving;
    private int cursor;
    private boolean started;
    private long lastRefreshNanos = System.nanoTime();
    private volatile long recordsSent;

    // The step's output.
    private MutableDirectBuffer out;
    private int base;
    private int records;

    TableScan(final SyncedFlows flows, final LongSupplier clock, final long refreshPeriodNanos)
    {
        this.flows = flows;
        this.clock = clock;
        this.refreshPeriodNanos = refreshPeriodNanos;
    }

    /** A peer asked for the table: queued unless it is being served or already waits. */
    void request(final long peer)
    {
        if (serving != peer && !requesters.contains(peer))
        {
            requesters.add(peer);
        }
    }

    /**
     * Starts the next scan if none runs: a waiting requester's first, else the refresh when it is due.
     *
     * @return true when a requester's table starts (the node sends the begin marker to {@link #addressee()})
     */
    boolean startNext(final long nowNanos)
    {
        if (serving != 0)
        {
            return false;
        }
        if (!requesters.isEmpty())
        {
            start(requesters.poll());
            return true;
        }
        if (refreshPeriodNanos > 0 && nowNanos - lastRefreshNanos > refreshPeriodNanos)
        {
            lastRefreshNanos = nowNanos;
            start(REFRESHING);
        }
        return false;
    }

    private void start(final long addressee)
    {
        serving = addressee;
        cursor = 0;
        started = false;
    }

    /** True while a scan runs. */
    boolean active()
    {
        return serving != 0;
    }

    /** The peer the running scan is for, or {@link #EVERY_PEER} for the refresh. */
    long addressee()
    {
        return serving == REFRESHING ? EVERY_PEER : serving;
    }

    /** True while the running scan is a peer's request, whose end the node marks; false for the refresh. */
    boolean forRequester()
    {
        return serving != REFRESHING;
    }

    /**
     * Scans up to a step's slots and writes the live entries found, at most {@code maxRecords}, as records from
     * {@code offset} of {@code buffer}.
     *
     * @return the records written; -1 when the scan reached the end of the table with none left to write (it is
     *         then over)
     */
    int step(final MutableDirectBuffer buffer, final int offset, final int maxRecords)
    {
        out = buffer;
        base = offset;
        records = 0;
        final long now = clock.getAsLong();
        for (int slots = 0; records < maxRecords && slots < SLOTS_PER_STEP && !(started && cursor == 0); slots++)
        {
            started = true;
            cursor = flows.scan(cursor, 1, now, visitor);
        }
        final int written = records;
        out = null;
        if (written == 0 && started && cursor == 0)
        {
            serving = 0;
            return -1;
        }
        recordsSent = recordsSent + written;
        return written;
    }

    private void entry(final FlowKey key, final Backend backend, final int state, final long ttlNanos)
    {
        SyncWire.putRecord(out, base + records * SyncWire.RECORD_LENGTH, SyncWire.TYPE_ENTRY, key, backend, state,
            ttlNanos);
        records++;
    }

    /** Table records sent (offered to the peers: some may have been lost on the way). */
    long recordsSent()
    {
        return recordsSent;
    }
}
