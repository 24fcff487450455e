package io.vipflow;

import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch paths decide exactly what one-at-a-time classification decides, packet for packet, including
 * several packets of one flow inside a batch (SYN then ACK), misses, PASS and malformed frames; both with the lines
 * of a batch loaded ahead (as for a table larger than the caches) and without (as for these small tables); and single
 * packets decide the same with their second bucket's lines loaded ahead as without.
 */
class BatchClassifyTest
{
    private static final int BATCH = 16;

    private static TestCluster cluster()
    {
        return TestCluster.web(8192, "10.244.0.1", "10.244.0.2", "10.244.0.3");
    }

    private static void randomPacket(final SplittableRandom r, final PacketTuple p)
    {
        final int client = 0x0a010000 + r.nextInt(300);
        final int dst = r.nextInt(20) == 0 ? 0x0a60000b : 0x0a60000a;
        final int[] flags = {PacketTuple.TCP_SYN, PacketTuple.TCP_ACK, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH,
            PacketTuple.TCP_FIN | PacketTuple.TCP_ACK, PacketTuple.TCP_RST};
        p.setIpv4(PacketTuple.PROTO_TCP, client, 40000 + r.nextInt(3), dst, 80, flags[r.nextInt(flags.length)]);
    }

    @ParameterizedTest(name = "loads ahead: {0}")
    @ValueSource(booleans = {true, false})
    void tupleBatchesDecideLikeSinglePackets(final boolean prefetch)
    {
        final TestCluster single = cluster();
        final TestCluster batched = cluster();
        batched.classifier.loadAhead(prefetch);
        final SplittableRandom r = new SplittableRandom(7);
        final PacketTuple[] tuples = new PacketTuple[BATCH];
        final Decision[] out = new Decision[BATCH];
        for (int i = 0; i < BATCH; i++)
        {
            tuples[i] = new PacketTuple();
            out[i] = new Decision();
        }
        final Decision one = new Decision();
        int dnat = 0;
        for (int round = 0; round < 2000; round++)
        {
            final long now = round * 10_000_000L;
            for (int i = 0; i < BATCH; i++)
            {
                randomPacket(r, tuples[i]);
                if (i > 0 && r.nextInt(4) == 0)
                {
                    // Same flow as the previous packet: the order inside the batch matters.
                    tuples[i].copyFrom(tuples[i - 1]);
                    tuples[i].flags = PacketTuple.TCP_ACK;
                }
            }
            batched.classifier.classifyBatch(tuples, BATCH, now, out);
            for (int i = 0; i < BATCH; i++)
            {
                single.classifier.classify(tuples[i], now, one);
                assertEquals(one.toString(), out[i].toString(), "round " + round + " packet " + i);
                dnat += one.verdict() == Verdict.DNAT ? 1 : 0;
            }
        }
        assertTrue(dnat > 10_000, "the stream must exercise the connection table: " + dnat);
        single.classifier.close();
        batched.classifier.close();
    }

    /**
     * A packet decided on its own loads its second bucket's lines ahead when the table is large; the loads change no
     * decision. The same random stream, packet by packet, with and without them.
     */
    @Test
    void singlePacketsDecideTheSameWithLinesLoadedAhead()
    {
        final TestCluster plain = cluster();
        final TestCluster ahead = cluster();
        ahead.classifier.loadAhead(true);
        final SplittableRandom r = new SplittableRandom(11);
        final PacketTuple p = new PacketTuple();
        final Decision one = new Decision();
        final Decision other = new Decision();
        int hits = 0;
        for (int i = 0; i < 30_000; i++)
        {
            randomPacket(r, p);
            final long now = i * 1_000_000L;
            plain.classifier.classify(p, now, one);
            ahead.classifier.classify(p, now, other);
            assertEquals(one.toString(), other.toString(), "packet " + i);
            hits += one.verdict() == Verdict.DNAT && !one.newFlow() ? 1 : 0;
        }
        assertTrue(hits > 5_000, "the stream must reach established flows: " + hits);
        plain.classifier.close();
        ahead.classifier.close();
    }

    @ParameterizedTest(name = "loads ahead: {0}")
    @ValueSource(booleans = {true, false})
    void frameBatchesDecideLikeSingleFrames(final boolean prefetch)
    {
        final TestCluster single = cluster();
        final TestCluster batched = cluster();
        batched.classifier.loadAhead(prefetch);
        final SplittableRandom r = new SplittableRandom(11);
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[BATCH * 64]);
        final int[] offsets = new int[BATCH];
        final int[] lengths = new int[BATCH];
        final Decision[] out = new Decision[BATCH];
        final PacketTuple[] scratch = new PacketTuple[BATCH];
        for (int i = 0; i < BATCH; i++)
        {
            out[i] = new Decision();
            offsets[i] = i * 64;
        }
        final PacketTuple p = new PacketTuple();
        final Decision one = new Decision();
        for (int round = 0; round < 500; round++)
        {
            for (int i = 0; i < BATCH; i++)
            {
                randomPacket(r, p);
                writeFrame(frames, offsets[i], p);
                lengths[i] = r.nextInt(30) == 0 ? 30 : 54; // now and then a truncated frame
            }
            batched.classifier.classifyFrames(frames, offsets, lengths, BATCH, 1, round * 1_000_000L, out, scratch);
            for (int i = 0; i < BATCH; i++)
            {
                single.classifier.classifyFrame(frames, offsets[i], lengths[i], lengths[i], 1, round * 1_000_000L, one);
                assertEquals(one.toString(), out[i].toString(), "round " + round + " frame " + i);
            }
        }
        single.classifier.close();
        batched.classifier.close();
    }

    @ParameterizedTest(name = "loads ahead: {0}")
    @ValueSource(booleans = {true, false})
    void aFrameBatchDecidesLikeSingleFramesAndCountsWithinOneFlush(final boolean prefetch)
    {
        final TestCluster single = cluster();
        final TestCluster batched = cluster();
        batched.classifier.loadAhead(prefetch);
        final SplittableRandom r = new SplittableRandom(13);
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[BATCH * 64]);
        final FrameBatch batch = new FrameBatch(BATCH);
        final PacketTuple p = new PacketTuple();
        final Decision one = new Decision();
        long packets = 0;
        for (int round = 0; round < 200; round++)
        {
            final int count = 1 + r.nextInt(BATCH);
            final int[] lengths = new int[count];
            for (int i = 0; i < count; i++)
            {
                randomPacket(r, p);
                writeFrame(frames, i * 64, p);
                lengths[i] = r.nextInt(30) == 0 ? 30 : 54;
                batch.frame(i, i * 64, lengths[i]);
            }
            batched.classifier.classifyFrames(frames, batch, count, 1, round * 1_000_000L);
            packets += count;
            for (int i = 0; i < count; i++)
            {
                single.classifier.classifyFrame(frames, i * 64, lengths[i], lengths[i], 1, round * 1_000_000L, one);
                assertEquals(one.toString(), batch.decision(i).toString(), "round " + round + " frame " + i);
            }
            // The batch's decisions share one tally: the shared counter is never more than one flush behind.
            final long counted = batched.classifier.stats().toMap().get("packets");
            assertTrue(packets - counted < ClassifierStats.FLUSH_EVERY, packets + " classified, " + counted + " counted");
        }
        batched.classifier.flushStats(batch);
        assertEquals(packets, batched.classifier.stats().toMap().get("packets"));
        single.classifier.close();
        batched.classifier.close();
    }

    @Test
    void missingOrShortBatchArraysAreRefusedBeforeAnyFrameIsClassified()
    {
        final TestCluster c = cluster();
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[4 * 64]);
        final PacketTuple p = new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, 0x0a010001, 40000, 0x0a60000a, 80,
            PacketTuple.TCP_SYN);
        final int[] offsets = {0, 64, 128, 192};
        final int[] lengths = {54, 54, 54, 54};
        final Decision[] out = {new Decision(), new Decision(), new Decision(), new Decision()};
        for (int i = 0; i < 4; i++)
        {
            writeFrame(frames, offsets[i], p);
        }
        final IllegalArgumentException noScratch = assertThrows(IllegalArgumentException.class,
            () -> c.classifier.classifyFrames(frames, offsets, lengths, 4, 1, 0, out, null));
        assertTrue(noScratch.getMessage().contains("scratch"), noScratch.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> c.classifier.classifyFrames(frames, offsets, lengths, 4, 1, 0, out, new PacketTuple[3]));
        assertThrows(IllegalArgumentException.class,
            () -> c.classifier.classifyFrames(frames, offsets, new int[2], 4, 1, 0, out, new PacketTuple[4]));
        assertThrows(IllegalArgumentException.class,
            () -> c.classifier.classifyFrames(frames, new FrameBatch(2), 3, 1, 0));
        for (final Decision d : out)
        {
            c.classifier.flushStats(d);
        }
        assertEquals(0, c.classifier.stats().toMap().get("packets"), "nothing was classified");
        c.classifier.close();
    }

    /** Ethernet + IPv4 + TCP, 54 bytes. */
    static void writeFrame(final UnsafeBuffer b, final int at, final PacketTuple p)
    {
        b.setMemory(at, 64, (byte)0);
        b.putShort(at + 12, (short)0x0008); // EtherType 0x0800 in network order
        b.putByte(at + 14, (byte)0x45);
        b.putShort(at + 16, Short.reverseBytes((short)40));
        b.putByte(at + 22, (byte)64);
        b.putByte(at + 23, (byte)6);
        b.putInt(at + 26, Integer.reverseBytes((int)p.srcLo));
        b.putInt(at + 30, Integer.reverseBytes((int)p.dstLo));
        b.putShort(at + 34, Short.reverseBytes((short)p.srcPort));
        b.putShort(at + 36, Short.reverseBytes((short)p.dstPort));
        b.putByte(at + 46, (byte)0x50);
        b.putByte(at + 47, (byte)p.flags);
    }
}
