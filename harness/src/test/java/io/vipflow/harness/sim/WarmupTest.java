package io.vipflow.harness.sim;

import io.vipflow.harness.report.RunReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every scheduler replays a warm-up pass, untimed, before the first measured run, so the first scheduler does not
 * pay the JIT's compilation in its figures. Checked by counting the packets each pass generated, not by timing.
 */
class WarmupTest
{
    private static final long PACKETS = 6_000;

    /** Records every pass's label and the packets it reported, in order. */
    private static final class Passes implements ProgressSink.Factory
    {
        final List<String> labels = new ArrayList<>();
        final List<Long> packets = new ArrayList<>();

        @Override
        public ProgressSink start(final String label, final long total)
        {
            labels.add(label);
            packets.add(0L);
            final int i = packets.size() - 1;
            return new ProgressSink()
            {
                @Override
                public void advance(final long n)
                {
                    packets.set(i, packets.get(i) + n);
                }

                @Override
                public void close()
                {
                }
            };
        }
    }

    @Test
    void everySchedulerIsWarmedUpBeforeAnyIsMeasured() throws Exception
    {
        final Scenario scenario = SimTests.shipped("rolling-update-50", "maglev", "rr", "wlc");
        final Passes passes = new Passes();
        final RunReport report = Simulation.run(Simulation.Options.of(scenario).withPackets(PACKETS).withWarmup(2_000)
            .withProgress(passes));

        assertEquals(List.of("warm-up maglev", "warm-up rr", "warm-up wlc", "maglev", "rr", "wlc"), passes.labels);
        assertEquals(List.of(2_000L, 2_000L, 2_000L, PACKETS, PACKETS, PACKETS), passes.packets);
        report.runs().forEach(r -> assertEquals(PACKETS, r.verdicts().values().stream().mapToLong(Long::longValue)
            .sum(), r.scheduler() + ": the warm-up's packets are not in the measured run"));
    }

    @Test
    void aWarmUpLongerThanTheRunIsCutToTheRunAndZeroTurnsItOff() throws Exception
    {
        final Scenario scenario = SimTests.shipped("rolling-update-50", "rr");
        final Passes longer = new Passes();
        Simulation.run(Simulation.Options.of(scenario).withPackets(PACKETS).withWarmup(PACKETS * 10)
            .withProgress(longer));
        assertEquals(List.of(PACKETS, PACKETS), longer.packets);

        final Passes none = new Passes();
        Simulation.run(Simulation.Options.of(scenario).withPackets(PACKETS).withWarmup(0).withProgress(none));
        assertEquals(List.of("rr"), none.labels);
    }
}
