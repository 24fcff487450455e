package io.vipflow.harness.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerminalSummaryTest
{
    private static RunReport small()
    {
        final Map<String, Long> kinds = new LinkedHashMap<>();
        kinds.put("wrong-backend", 2L);
        kinds.put("missed-drop", 1L);
        final SchedulerRun maglev = new SchedulerRun("maglev", 1_234_567, 2_345_678.4, 12_345, 40, 38, 2, 1.0234,
            812.6, 0, Map.of(), List.of(), List.of("a", "b"), 1_000_000_000L, List.of(new long[]{1, 2}),
            new long[]{30, 10}, Map.of());
        final SchedulerRun rr = new SchedulerRun("rr", 1_234_567, 987_654.5, 12_345, 1_502, 38, 1_464, 1.5,
            Double.NaN, 3, kinds, List.of("packet 17: expected 10.0.0.1:80, got 10.0.0.2:80",
            "packet 90: expected DROP, got DNAT 10.0.0.3:80"), List.of("a", "b"), 1_000_000_000L,
            List.of(new long[]{2, 1}), new long[]{1_000}, Map.of());
        return new RunReport("demo", 7, 12_500_000_000L, List.of(maglev, rr),
            List.of(new ChurnMark(2_000_000_000L, "web-1 terminating"), new ChurnMark(7_250_000_000L, "web-2 added")),
            List.of("shortened to 12.5 s"));
    }

    @Test
    void goldenLayout()
    {
        final String expected = """
            Scenario demo   seed 7   simulated 12.500 s

                                   maglev         rr
            packets             1,234,567  1,234,567
            packets/s           2,345,678    987,655
            flows                  12,345     12,345
            broken flows               40      1,502
              unavoidable              38         38
              by scheduler              2      1,464
            imbalance max/mean      1.023      1.500
            p99 new flow (ns)         813          -
            oracle violations           0          3

            Churn (flows broken at each change)
                   at  maglev     rr  change
              2.000 s      30  1,000  web-1 terminating
              7.250 s      10      -  web-2 added

            rr: 3 oracle violations (wrong-backend 2, missed-drop 1)
              packet 17: expected 10.0.0.1:80, got 10.0.0.2:80
              packet 90: expected DROP, got DNAT 10.0.0.3:80

            Notes
              - shortened to 12.5 s
            """;
        assertEquals(expected, TerminalSummary.render(small()));
    }

    @Test
    void sameReportSameTextInAnyDefaultLocale()
    {
        final RunReport report = ReportFixtures.rollingUpdate();
        final String first = TerminalSummary.render(report);
        final Locale saved = Locale.getDefault();
        try
        {
            Locale.setDefault(Locale.GERMANY);
            assertEquals(first, TerminalSummary.render(ReportFixtures.rollingUpdate()));
        }
        finally
        {
            Locale.setDefault(saved);
        }
        assertTrue(first.contains("imbalance max/mean      1.040      1.150      1.260"), first);
        assertEquals(report.churn().size(), first.lines().filter(l -> l.matches("^ +\\d+\\.\\d{3} s .*")).count());
    }

    @Test
    void reportWithoutRunsOrChurn()
    {
        final RunReport empty = new RunReport("idle", 1, 0, List.of(), List.of(), List.of());
        assertEquals("Scenario idle   seed 1   simulated 0.000 s\n(no scheduler runs)\n", TerminalSummary.render(empty));
    }
}
