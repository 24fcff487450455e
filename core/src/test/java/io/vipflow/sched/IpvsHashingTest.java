package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vipflow.sched.Dests.build;
import static io.vipflow.sched.Dests.counted;
import static io.vipflow.sched.Dests.ip;
import static io.vipflow.sched.Dests.of;
import static io.vipflow.sched.Dests.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sh, dh, mh, lblc, lblcr and twos, with values worked by hand from the kernel sources. */
class IpvsHashingTest
{
    private static final int VIP = ip(10, 96, 0, 1);

    private static PacketTuple from(final int src, final int srcPort)
    {
        return new PacketTuple().setIpv4(PacketTuple.PROTO_TCP, src, srcPort, VIP, 80, PacketTuple.TCP_SYN);
    }

    /** hash_32(val, 8) = (val · 0x61C88647 mod 2^32) >> 24. */
    @Test
    void kernelHash32()
    {
        // 0x0A000001 · 0x61C88647 = 0x27C88647 (mod 2^32): bucket 0x27 = 39.
        assertEquals(39, KernelHash.hash32(ip(10, 0, 0, 1), 8));
        assertEquals(128, KernelHash.hash32(ip(10, 0, 0, 1) + 1234, 8));
        assertEquals(130, KernelHash.hash32(VIP, 8));
    }

    /** SipHash-2-4 of the empty message under key 00..0f is 0x726fdb47dd0e0e31 (reference test vector). */
    @Test
    void sipHashRoundsMatchTheReference()
    {
        assertEquals(0x726fdb47dd0e0e31L, KernelHash.sipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0, 2, 4));
    }

    /**
     * ip_vs_sh_reassign with A=2 B=1 C=1: buckets A A B C repeating. 10.0.0.1 hashes to bucket 39 (39 mod 4 = 3):
     * C; 10.0.0.2 to 137 (1): A; 10.0.0.3 to 235 (3): C. With sh-port, 10.0.0.1:1234 hashes
     * 0x0A000001 + 1234 to bucket 128 (0): A.
     */
    @Test
    void shBucketsAndPort()
    {
        final List<Destination> d = of("A=2", "B=1", "C=1");
        final Scheduler sh = build("sh", d);
        final int[] buckets = ((SourceHashScheduler)sh).buckets();
        assertArrayEquals(new int[] {0, 0, 1, 2, 0, 0, 1, 2}, java.util.Arrays.copyOf(buckets, 8));
        assertEquals("C", pick(sh, d, from(ip(10, 0, 0, 1), 1234)));
        assertEquals("A", pick(sh, d, from(ip(10, 0, 0, 2), 1)));
        assertEquals("C", pick(sh, d, from(ip(10, 0, 0, 3), 2)));
        final Scheduler shPort = Schedulers.factory("sh", "sh-port", 0).create(d, null);
        assertEquals("A", pick(shPort, d, from(ip(10, 0, 0, 1), 1234)));
    }

    /**
     * A=0 B=1 C=1: a weight-0 destination still takes one bucket (++d_count >= 0), so buckets are A B C. 10.0.0.1
     * lands in bucket 39 (A, quiesced): no destination. With sh-fallback the walk tries bucket
     * (0 + 39 + 39) = 78 (A again), then 79 (B).
     */
    @Test
    void shFallbackWalksOn()
    {
        final List<Destination> d = of("A=0", "B=1", "C=1");
        assertEquals("-", pick(build("sh", d), d, from(ip(10, 0, 0, 1), 5)));
        final Scheduler fallback = Schedulers.factory("sh", "sh-fallback", 0).create(d, null);
        assertEquals("B", pick(fallback, d, from(ip(10, 0, 0, 1), 5)));
    }

    /** ip_vs_dh_reassign: one bucket each, A B C repeating; 10.96.0.1 hashes to bucket 130 (130 mod 3 = 1): B. */
    @Test
    void dhHashesTheDestination()
    {
        final List<Destination> d = of("A=5", "B=1", "C=1");
        final Scheduler dh = build("dh", d);
        assertEquals(1, ((DestinationHashScheduler)dh).buckets()[130]);
        for (int client = 1; client < 50; client++)
        {
            assertEquals("B", pick(dh, d, from(ip(10, 0, 0, client), client)));
        }
        final List<Destination> quiesced = of("A=5", "B=0", "C=1");
        assertEquals("-", pick(build("dh", quiesced), quiesced, from(ip(10, 0, 0, 1), 1)));
        final Scheduler fallback = Schedulers.factory("dh", "dh-fallback", 0).create(quiesced, null);
        assertNotEquals("-", pick(fallback, quiesced, from(ip(10, 0, 0, 1), 1)));
    }

    /**
     * ip_vs_mh.c: every slot filled, shares follow last_weight; quiescing reuses the table (last_weight), its slots
     * give no destination without mh-fallback; a destination added with weight 0 takes no slot.
     */
    @Test
    void mhTableFollowsLastWeight()
    {
        final List<Destination> d = of("10.244.0.1:80=1", "10.244.0.2:80=1", "10.244.0.3:80=2");
        final IpvsMaglevScheduler mh = (IpvsMaglevScheduler)build("mh", d);
        final int[] counts = new int[3];
        for (final int p : mh.table())
        {
            counts[p]++;
        }
        assertEquals(4093, counts[0] + counts[1] + counts[2]);
        // turns 1, 1, 2 per round: shares 1:1:2 within a round's worth of slots.
        assertTrue(Math.abs(counts[2] - 2 * counts[0]) <= 4 && Math.abs(counts[0] - counts[1]) <= 2,
            java.util.Arrays.toString(counts));
        final List<Destination> quiesced = new ArrayList<>(d);
        quiesced.set(2, new Destination("10.244.0.3:80", 0, d.get(2).counters()));
        final IpvsMaglevScheduler after = (IpvsMaglevScheduler)Schedulers.factory("mh", 0).create(quiesced, mh);
        assertTrue(after.sharesTableWith(mh), "quiescing keeps the table");
        final IpvsMaglevScheduler fallback = (IpvsMaglevScheduler)Schedulers.factory("mh", "mh-fallback", 0)
            .create(quiesced, mh);
        int none = 0;
        for (int client = 0; client < 300; client++)
        {
            final PacketTuple p = from(ip(10, 1, client >> 8, client & 255), 1000 + client);
            final int plain = after.pick(p, 0);
            none += plain < 0 ? 1 : 0;
            assertTrue(plain != 2, "quiesced never picked");
            final int walked = fallback.pick(p, 0);
            assertTrue(walked == 0 || walked == 1);
            if (plain >= 0)
            {
                assertEquals(plain, walked, "fallback changes only unavailable slots");
            }
        }
        assertTrue(none > 100 && none < 200, "about half the clients hit the quiesced slots: " + none);
        final IpvsMaglevScheduler fresh = (IpvsMaglevScheduler)Schedulers.factory("mh", 0).create(quiesced, null);
        for (final int p : fresh.table())
        {
            assertNotEquals(2, p, "added with weight 0: last_weight 0, no slot");
        }
    }

    @Test
    void mhTableSizeFlag()
    {
        final List<Destination> d = of("10.0.0.1:80", "10.0.0.2:80");
        final Scheduler mh = Schedulers.factory("mh", "table-size=251,mh-port", 0).create(d, null);
        assertEquals(251, ((IpvsMaglevScheduler)mh).size());
    }

    /**
     * ip_vs_lblc.c: one frontend address sticks to its cached destination (the wlc choice when first seen) until
     * that one is overloaded (active > weight while another has active · 2 < weight).
     */
    @Test
    void lblcSticksUntilOverloaded()
    {
        final List<Destination> d = counted(of("A=4", "B=4"), new long[] {1, 0}, new long[] {0, 0});
        final Scheduler lblc = build("lblc", d);
        assertEquals("B", pick(lblc, d, from(ip(10, 0, 0, 1), 1)));
        d.get(1).counters().set(4, 0);
        assertEquals("B", pick(lblc, d, from(ip(10, 0, 0, 2), 2)), "cached, not overloaded (4 <= 4)");
        d.get(1).counters().set(5, 0);
        assertEquals("A", pick(lblc, d, from(ip(10, 0, 0, 3), 3)), "B overloaded and A has 1 · 2 < 4");
        d.get(1).counters().set(0, 0);
        assertEquals("A", pick(lblc, d, from(ip(10, 0, 0, 4), 4)), "the cache now holds A");
    }

    /** ip_vs_lblcr.c: an overloaded set member makes the wlc choice join the set; the set's least then serves. */
    @Test
    void lblcrGrowsItsSet()
    {
        final List<Destination> d = counted(of("A=4", "B=4", "C=4"), new long[] {0, 0}, new long[] {1, 0},
            new long[] {1, 0});
        final Scheduler lblcr = build("lblcr", d);
        assertEquals("A", pick(lblcr, d, from(ip(10, 0, 0, 1), 1)));
        d.get(0).counters().set(5, 0);
        assertEquals("B", pick(lblcr, d, from(ip(10, 0, 0, 1), 2)), "A overloaded: B joins the set");
        d.get(0).counters().set(0, 0);
        d.get(1).counters().set(3, 0);
        assertEquals("A", pick(lblcr, d, from(ip(10, 0, 0, 1), 3)), "least of the set {B, A}");
        d.get(0).counters().set(4, 0);
        assertEquals("B", pick(lblcr, d, from(ip(10, 0, 0, 1), 4)), "still within the set, C never joined");
    }

    /**
     * ip_vs_twos.c with A and B of weight 1: draws are uniform over [0, 2] and r in {0, 1} lands on A, so each
     * choice is B with probability 1/3. A idle, B loaded: B wins only when both choices are B, 1/9 of picks.
     */
    @Test
    void twosKeepsTheLighterOfTwoKernelDraws()
    {
        final List<Destination> d = counted(of("A", "B"), new long[] {0, 0}, new long[] {10, 0});
        final Scheduler twos = build("twos", d);
        int b = 0;
        for (int i = 0; i < 9000; i++)
        {
            b += twos.pick(Dests.ANY, i) == 1 ? 1 : 0;
        }
        assertTrue(b > 800 && b < 1200, "B picked " + b + " times of 9000, expected about 1000");
    }
}
