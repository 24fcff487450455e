package io.vipflow.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vipflow.sched.Dests.build;
import static io.vipflow.sched.Dests.counted;
import static io.vipflow.sched.Dests.of;
import static io.vipflow.sched.Dests.picks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sequences worked by hand from net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sed,nq,fo,ovf}.c. */
class IpvsSequencesTest
{
    /**
     * ip_vs_wrr.c, A=4 B=3 C=2: di = gcd = 1, mw = 4 - (1 - 1) = 4, cw = 4. cw 4: A; end, cw 3: A B; end, cw 2:
     * A B C; end, cw 1: A B C; end, cw 0 -> mw = 4: A again.
     */
    @Test
    void wrrKernelSequence()
    {
        final List<Destination> d = of("A=4", "B=3", "C=2");
        assertEquals("A A B A B C A B C A A B", picks(build("wrr", d), d, 12));
    }

    /**
     * A=4 B=2: di = 2, mw = 4 - (2 - 1) = 3. cw 3: A; end, cw 1: A B; end, cw -1 -> 3: A; ... so A A B repeats,
     * 2:1 as the weights.
     */
    @Test
    void wrrWithCommonDivisor()
    {
        final List<Destination> d = of("A=4", "B=2");
        assertEquals("A A B A A B", picks(build("wrr", d), d, 6));
    }

    @Test
    void wrrSkipsQuiescedAndGivesNoneWhenAllQuiesced()
    {
        final List<Destination> d = of("A=0", "B=1", "C=1");
        assertEquals("B C B C", picks(build("wrr", d), d, 4));
        final List<Destination> none = of("A=0", "B=0");
        assertEquals("- -", picks(build("wrr", none), none, 2));
    }

    /**
     * ip_vs_wrr_dest_changed: cursor back to the head, cw kept when it still fits. After A A B (cw 3, cursor B),
     * adding D=1 (at the head: D A B C) keeps cw 3: the next pick scans from the head for weight >= 3: A.
     */
    @Test
    void wrrKeepsCurrentWeightAcrossAChange()
    {
        final List<Destination> d = of("A=4", "B=3", "C=2");
        final Scheduler s = build("wrr", d);
        assertEquals("A A B", picks(s, d, 3));
        final List<Destination> more = new ArrayList<>(d);
        more.add(Destination.of("D"));
        final Scheduler next = Schedulers.factory("wrr", 0).create(more, s);
        assertArrayEquals(new String[] {"D", "A", "B", "C"}, ((IpvsScheduler)next).ipvsOrder());
        assertEquals("A B A B C D A B C", picks(next, more, 9));
    }

    /** ip_vs_rr.c: the first destination after the cursor with weight > 0. */
    @Test
    void rrCyclesSkippingQuiesced()
    {
        final List<Destination> d = of("A", "B=0", "C", "D");
        assertEquals("A C D A C", picks(build("rr", d), d, 5));
    }

    /**
     * ip_vs_rr_del_dest: removing the destination under the cursor moves it to the previous entry. After A B
     * (cursor B), removing B leaves the cursor on A: next is C. New destinations go to the head: adding E gives
     * E A C, and the cursor (on A) still goes to C next, then wraps to E.
     */
    @Test
    void rrCursorSurvivesRemovalAndAddition()
    {
        final List<Destination> d = of("A", "B", "C");
        final Scheduler s = build("rr", d);
        assertEquals("A B", picks(s, d, 2));
        final List<Destination> less = List.of(d.get(0), d.get(2));
        final Scheduler afterRemoval = Schedulers.factory("rr", 0).create(less, s);
        assertEquals("C A", picks(afterRemoval, less, 2));
        final List<Destination> more = List.of(d.get(0), d.get(2), Destination.of("E"));
        final Scheduler afterAdd = Schedulers.factory("rr", 0).create(more, afterRemoval);
        assertArrayEquals(new String[] {"E", "A", "C"}, ((IpvsScheduler)afterAdd).ipvsOrder());
        assertEquals("C E A C", picks(afterAdd, more, 4));
    }

    /** ip_vs_lc.c: overhead = 256 · active + inactive, strict < so ties go to the first. */
    @Test
    void lcLeastOverheadTiesToFirst()
    {
        // A 3/1 = 769, B 2/300 = 812, C 3/0 = 768: C.
        final List<Destination> d = counted(of("A", "B", "C"), new long[] {3, 1}, new long[] {2, 300},
            new long[] {3, 0});
        assertEquals("C", picks(build("lc", d), d, 1));
        final List<Destination> tie = counted(of("A", "B"), new long[] {1, 0}, new long[] {1, 0});
        assertEquals("A", picks(build("lc", tie), tie, 1));
        final List<Destination> quiesced = counted(of("A=0", "B"), new long[] {0, 0}, new long[] {9, 9});
        assertEquals("B", picks(build("lc", quiesced), quiesced, 1));
    }

    /**
     * ip_vs_wlc.c: A w1 oh 256, B w3 oh 512, C w2 oh 300. Start A (loh 256); B: 256·3 = 768 > 512·1 = 512, take B
     * (loh 512); C: 512·2 = 1024 > 300·3 = 900, take C. Tie A w1 oh 256 vs B w2 oh 512: 512 > 512 is false: A.
     */
    @Test
    void wlcCrossMultiplied()
    {
        final List<Destination> d = counted(of("A=1", "B=3", "C=2"), new long[] {1, 0}, new long[] {2, 0},
            new long[] {1, 44});
        assertEquals("C", picks(build("wlc", d), d, 1));
        final List<Destination> tie = counted(of("A=1", "B=2"), new long[] {1, 0}, new long[] {2, 0});
        assertEquals("A", picks(build("wlc", tie), tie, 1));
    }

    /**
     * ip_vs_sed.c: overhead = active + 1, inactive ignored. A w1 active 0 (1), B w4 active 2 (3): 1·4 = 4 > 3·1,
     * B. With B holding 1000 inactive connections the answer is the same.
     */
    @Test
    void sedIgnoresInactive()
    {
        final List<Destination> d = counted(of("A=1", "B=4"), new long[] {0, 0}, new long[] {2, 1000});
        assertEquals("B", picks(build("sed", d), d, 1));
    }

    /**
     * ip_vs_nq.c: the first idle destination wins at once (B, though A is lighter by sed); when none is idle,
     * sed: A w1 active 1 (2), B w4 active 3 (4): 2·4 = 8 > 4·1, B.
     */
    @Test
    void nqPrefersIdleThenSed()
    {
        final List<Destination> idle = counted(of("A=9", "B=1", "C=1"), new long[] {1, 0}, new long[] {0, 50},
            new long[] {0, 0});
        assertEquals("B", picks(build("nq", idle), idle, 1));
        final List<Destination> busy = counted(of("A=1", "B=4"), new long[] {1, 0}, new long[] {3, 0});
        assertEquals("B", picks(build("nq", busy), busy, 1));
    }

    /** ip_vs_fo.c: highest weight, ties to the first; ip_vs_ovf.c: highest weight with active <= weight. */
    @Test
    void foAndOvf()
    {
        final List<Destination> d = counted(of("A=2", "B=5", "C=5"), new long[] {0, 0}, new long[] {6, 0},
            new long[] {5, 0});
        assertEquals("B", picks(build("fo", d), d, 1));
        // B has 6 active > 5: skipped; C has 5 <= 5: taken.
        assertEquals("C", picks(build("ovf", d), d, 1));
        d.get(2).counters().set(6, 0);
        assertEquals("A", picks(build("ovf", d), d, 1));
        d.get(0).counters().set(3, 0);
        assertEquals("-", picks(build("ovf", d), d, 1));
    }
}
