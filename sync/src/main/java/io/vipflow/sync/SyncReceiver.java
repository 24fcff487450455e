package io.vipflow.sync;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.vipflow.FlowEvents;
import io.vipflow.SyncedFlows;
import io.vipflow.conntrack.FlowKey;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The receiving side of a {@link SyncNode}: applies the changes and table entries peers send through
 * {@link SyncedFlows}, follows each peer's message sequence (gaps are messages missed), hands requests for this node's
 * table to its {@link TableScan}, and, for a node that catches up, asks for the table until one arrives whole.
 * <p>
 * Thread contract: {@link #onFragment} and {@link #requestDue} on the node's agent thread; the counters,
 * {@link #caughtUp()} and the per-peer figures from any thread.
 */
final class SyncReceiver implements FragmentHandler
{
    /** How often a node that has not caught up asks for the table. */
    private static final long REQUEST_INTERVAL_NANOS = 200_000_000L;

    private final long id;
    private final SyncedFlows flows;
    private final LongSupplier clock;
    private final TableScan scan;
    private final FlowKey applyKey = new FlowKey();
    private final LagRecorder lag = new LagRecorder();
    private volatile PeerState[] peers = new PeerState[0];
    private long lastRequestNanos;
    private volatile boolean caughtUp;

    final AtomicLong recordsApplied = new AtomicLong();
    final AtomicLong recordsKept = new AtomicLong();
    final AtomicLong recordsUnmatched = new AtomicLong();
    final AtomicLong snapshotRecordsApplied = new AtomicLong();
    final AtomicLong tablesIncomplete = new AtomicLong();

    SyncReceiver(final long id, final SyncedFlows flows, final LongSupplier clock, final TableScan scan,
        final boolean catchUp)
    {
        this.id = id;
        this.flows = flows;
        this.clock = clock;
        this.scan = scan;
        this.caughtUp = !catchUp;
    }

    /** True (once per interval) when this node, not yet caught up, should ask its peers for their tables. */
    boolean requestDue(final long nowNanos)
    {
        if (caughtUp || nowNanos - lastRequestNanos <= REQUEST_INTERVAL_NANOS)
        {
            return false;
        }
        lastRequestNanos = nowNanos;
        return true;
    }

    boolean caughtUp()
    {
        return caughtUp;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int count = SyncWire.recordsIn(buffer, offset, length);
        final long sender = buffer.getLong(offset + SyncWire.SENDER, SyncWire.ORDER);
        if (count < 0 || sender == id)
        {
            return;
        }
        final PeerState peer = peer(sender);
        if (peer.onMessage(buffer.getLong(offset + SyncWire.SEQUENCE, SyncWire.ORDER)) > 0)
        {
            peer.tableIntact = false;
        }
        final long addressee = buffer.getLong(offset + SyncWire.ADDRESSEE, SyncWire.ORDER);
        switch (buffer.getInt(offset + SyncWire.KIND, SyncWire.ORDER))
        {
            case SyncWire.KIND_UPDATES ->
            {
                apply(buffer, offset, count);
                peer.records = peer.records + count;
                lag.record(System.nanoTime() - buffer.getLong(offset + SyncWire.SEND_TIME, SyncWire.ORDER));
            }
            case SyncWire.KIND_SNAPSHOT ->
            {
                if (addressee == id || addressee == TableScan.EVERY_PEER)
                {
                    apply(buffer, offset, count);
                    snapshotRecordsApplied.addAndGet(count);
                }
            }
            case SyncWire.KIND_SNAPSHOT_REQUEST -> scan.request(sender);
            case SyncWire.KIND_SNAPSHOT_BEGIN ->
            {
                if (addressee == id)
                {
                    peer.tableIntact = true;
                }
            }
            case SyncWire.KIND_SNAPSHOT_END ->
            {
                if (addressee == id)
                {
                    onTableEnd(peer);
                }
            }
            default ->
            {
                // A kind this version does not know: skipped, so that newer peers can add kinds.
            }
        }
    }

    /**
     * A table is complete only if its begin marker and every message after it arrived: a message sent before the
     * peer's publication to this node was connected, or lost to back-pressure or a lost driver, leaves a table with
     * holes, which would let this node take traffic without flows the fleet has. Then it asks again at once.
     */
    private void onTableEnd(final PeerState peer)
    {
        if (peer.tableIntact)
        {
            caughtUp = true;
        }
        else if (!caughtUp)
        {
            tablesIncomplete.incrementAndGet();
            lastRequestNanos = System.nanoTime() - REQUEST_INTERVAL_NANOS - 1;
        }
        peer.tableIntact = false;
    }

    private void apply(final DirectBuffer buffer, final int offset, final int count)
    {
        final long now = clock.getAsLong();
        for (int i = 0; i < count; i++)
        {
            final int at = offset + SyncWire.HEADER_LENGTH + i * SyncWire.RECORD_LENGTH;
            SyncWire.key(buffer, at, applyKey);
            final int outcome;
            if (SyncWire.type(buffer, at) == FlowEvents.REMOVED)
            {
                outcome = flows.remove(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), now);
            }
            else if (SyncWire.type(buffer, at) == SyncWire.TYPE_ENTRY)
            {
                outcome = flows.refresh(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), SyncWire.state(buffer, at), SyncWire.ttlNanos(buffer, at), now);
            }
            else
            {
                outcome = flows.upsert(applyKey, SyncWire.backendHi(buffer, at), SyncWire.backendLo(buffer, at),
                    SyncWire.backendPort(buffer, at), SyncWire.state(buffer, at), SyncWire.ttlNanos(buffer, at), now);
            }
            switch (outcome)
            {
                case SyncedFlows.APPLIED -> recordsApplied.incrementAndGet();
                case SyncedFlows.KEPT -> recordsKept.incrementAndGet();
                default -> recordsUnmatched.incrementAndGet();
            }
        }
    }

    private PeerState peer(final long sender)
    {
        final PeerState found = find(sender);
        if (found != null)
        {
            return found;
        }
        final PeerState[] grown = Arrays.copyOf(peers, peers.length + 1);
        grown[peers.length] = new PeerState(sender);
        peers = grown;
        return grown[grown.length - 1];
    }

    /** The state of messages from {@code peer}, or null when nothing has arrived from it. */
    PeerState find(final long peer)
    {
        for (final PeerState p : peers)
        {
            if (p.id == peer)
            {
                return p;
            }
        }
        return null;
    }

    long messagesMissed()
    {
        long missed = 0;
        for (final PeerState p : peers)
        {
            missed += p.missedMessages;
        }
        return missed;
    }

    long lagNanos(final double percentile)
    {
        return lag.percentile(percentile);
    }
}
