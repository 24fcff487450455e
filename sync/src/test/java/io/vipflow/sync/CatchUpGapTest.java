package io.vipflow.sync;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.vipflow.conntrack.ConnState;
import io.vipflow.packet.PacketTuple;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A joining balancer takes a peer's table as complete only if every message of it arrived. The peer here is played
 * by hand on the node's IPC stream, so that the messages a real peer can lose (those sent before its publication to
 * the joiner was connected, or lost to back-pressure or a lost driver) are left out on purpose: a table whose begin
 * marker never came, and one with a gap in the sender's sequence, are both asked for again, and only the complete
 * one counts as caught up.
 */
class CatchUpGapTest
{
    private static final long DEADLINE_MS = 10_000;
    private static final long PEER = 0x5eed;
    private static final int FLOW_X = 7;
    private static final int FLOW_Y = 8;

    @TempDir
    Path dir;

    @Test
    void aTableWithMessagesMissingIsAskedForAgain()
    {
        try (SyncDriver driver = SyncDriver.launch(dir.resolve("aeron"));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.directory()));
            Balancer source = new Balancer(IpcSyncTest.BACKENDS);
            Balancer joiner = new Balancer(IpcSyncTest.BACKENDS);
            SyncNode node = new SyncNode(joiner.classifier, joiner.ipc(driver.directory()).withCatchUp(true), aeron);
            ExclusivePublication toJoiner = aeron.addExclusivePublication(SyncConfig.IPC, SyncConfig.DEFAULT_STREAM);
            Subscription fromJoiner = aeron.addSubscription(SyncConfig.IPC, SyncConfig.DEFAULT_STREAM))
        {
            // The peer's table: two established flows, as its data plane reports them.
            final UnsafeBuffer table = new UnsafeBuffer(new byte[2 * SyncWire.RECORD_LENGTH]);
            source.tcp(FLOW_X, PacketTuple.TCP_SYN);
            source.tcp(FLOW_Y, PacketTuple.TCP_SYN);
            final int[] recorded = {0};
            source.classifier.flowEvents((type, key, backend, state, ttl) ->
                SyncWire.putRecord(table, recorded[0]++ * SyncWire.RECORD_LENGTH, SyncWire.TYPE_ENTRY, key, backend,
                    state, ttl));
            // Record 0 is flow Y's, record 1 flow X's.
            final String backendY = source.tcp(FLOW_Y, PacketTuple.TCP_ACK);
            final String backendX = source.tcp(FLOW_X, PacketTuple.TCP_ACK);
            assertEquals(2, recorded[0]);
            node.start();
            final Peer peer = new Peer(toJoiner, fromJoiner, node.instanceId());

            // Sequence 0, the begin marker, never arrived: the joiner cannot know what came before flow Y (record 0).
            peer.awaitRequest();
            peer.send(1, SyncWire.KIND_SNAPSHOT, table, 1);
            peer.send(2, SyncWire.KIND_SNAPSHOT_END, table, 0);
            Await.until(DEADLINE_MS, () -> node.tablesIncomplete() == 1, () -> "the table counted incomplete");
            peer.awaitRequest();
            assertFalse(node.caughtUp(), "a table without its beginning");

            // Begin marker, then sequence 4 (flow X) lost and flow Y again: a gap before the end marker.
            peer.send(3, SyncWire.KIND_SNAPSHOT_BEGIN, table, 0);
            peer.send(5, SyncWire.KIND_SNAPSHOT, table, 1);
            peer.send(6, SyncWire.KIND_SNAPSHOT_END, table, 0);
            Await.until(DEADLINE_MS, () -> node.tablesIncomplete() == 2, () -> "the table counted incomplete");
            peer.awaitRequest();
            assertFalse(node.caughtUp(), "a table with a gap");
            assertEquals(-1, joiner.state(FLOW_X), "flow X has not arrived");

            // The whole table.
            peer.send(7, SyncWire.KIND_SNAPSHOT_BEGIN, table, 0);
            peer.send(8, SyncWire.KIND_SNAPSHOT, table, 2);
            peer.send(9, SyncWire.KIND_SNAPSHOT_END, table, 0);
            Await.until(DEADLINE_MS, node::caughtUp, () -> "caught up from the complete table");
            assertEquals(2, node.tablesIncomplete());
            assertEquals(ConnState.ESTABLISHED, joiner.state(FLOW_X));
            assertEquals(backendX, joiner.tcp(FLOW_X, PacketTuple.TCP_ACK));
            assertEquals(backendY, joiner.tcp(FLOW_Y, PacketTuple.TCP_ACK));
        }
    }

    /** The peer's side of the stream, written by hand. */
    private static final class Peer
    {
        private final ExclusivePublication publication;
        private final Subscription subscription;
        private final long joiner;
        private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(
            BitUtil.align(SyncWire.HEADER_LENGTH + 2 * SyncWire.RECORD_LENGTH, 64)));
        private boolean requested;

        Peer(final ExclusivePublication publication, final Subscription subscription, final long joiner)
        {
            this.publication = publication;
            this.subscription = subscription;
            this.joiner = joiner;
        }

        /** Waits for the joiner's next request for the table (it asks again at once after an incomplete one). */
        void awaitRequest()
        {
            requested = false;
            Await.until(DEADLINE_MS, () ->
            {
                subscription.poll((buffer, offset, length, header) ->
                    requested |= buffer.getLong(offset + SyncWire.SENDER, SyncWire.ORDER) == joiner &&
                        buffer.getInt(offset + SyncWire.KIND, SyncWire.ORDER) == SyncWire.KIND_SNAPSHOT_REQUEST, 16);
                return requested;
            }, () -> "a request for the table");
        }

        void send(final long sequence, final int kind, final UnsafeBuffer records, final int count)
        {
            SyncWire.putHeader(out, PEER, sequence, System.nanoTime(), joiner, kind, count);
            out.putBytes(SyncWire.HEADER_LENGTH, records, 0, count * SyncWire.RECORD_LENGTH);
            Await.until(DEADLINE_MS, () -> publication.offer(out, 0, SyncWire.HEADER_LENGTH +
                count * SyncWire.RECORD_LENGTH) > 0, () -> "the joiner to take message " + sequence);
        }
    }
}
