package io.vipflow.harness.sim;

import io.vipflow.harness.report.ChurnMark;
import io.vipflow.harness.report.RunReport;
import io.vipflow.harness.report.SchedulerRun;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RunReportJsonTest
{
    @Test
    void roundTripsThroughJson()
    {
        final Map<String, Long> kinds = new LinkedHashMap<>();
        kinds.put("WRONG_BACKEND", 2L);
        kinds.put("WRONG_VERDICT", 1L);
        final SchedulerRun run = new SchedulerRun(
            "maglev", 1000, 1.5e6, 40, 3, 2, 1, 1.25, 850.0, 3, kinds, List.of("packet 7: expected x"),
            List.of("10.0.0.1:80", "10.0.0.2:80"), 1_000_000_000L, List.of(new long[]{1, 2}, new long[]{3, 4}),
            new long[]{2, 1}, Map.of("NEW", 40L));
        final RunReport report = new RunReport(
            "rolling-update-50", 42, 10_000_000_000L, List.of(run),
            List.of(new ChurnMark(5, "pod a terminating"), new ChurnMark(9, "pod a removed")), List.of("note"));

        final String json = report.toJson();
        final RunReport back = RunReport.fromJson(json);

        assertEquals(json, back.toJson());
        assertEquals("rolling-update-50", back.scenario());
        assertEquals(List.of("WRONG_BACKEND", "WRONG_VERDICT"),
            List.copyOf(back.runs().get(0).violationsByKind().keySet()));
        assertArrayEquals(new long[]{3, 4}, back.runs().get(0).newFlowsPerBackendPerBucket().get(1));
        assertArrayEquals(new long[]{2, 1}, back.runs().get(0).brokenPerChurnMark());
    }
}
