package io.vipflow.harness.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Run reports for tests, built from a fixed seed so every call returns equal data. */
final class ReportFixtures
{
    static final int BACKENDS = 10;
    static final int BUCKETS = 30;
    static final long BUCKET_NANOS = 500_000_000L;
    static final List<String> SCHEDULERS = List.of("maglev", "rr", "random");

    private ReportFixtures()
    {
    }

    /** Three schedulers, ten backends, thirty half-second buckets, four churn marks of a rolling update. */
    static RunReport rollingUpdate()
    {
        final List<ChurnMark> churn = List.of(
            new ChurnMark(3_000_000_000L, "web-7 terminating (rollout step 1/4)"),
            new ChurnMark(6_500_000_000L, "web-3 terminating, web-11 ready"),
            new ChurnMark(10_000_000_000L, "web-5 not ready <probe failed> & removed"),
            new ChurnMark(12_250_000_000L, "scale 10 -> 12 replicas"));
        final List<String> backends = new ArrayList<>();
        for (int b = 0; b < BACKENDS; b++)
        {
            backends.add("10.244." + (b / 4 + 1) + "." + (b * 7 % 250 + 2) + ":8080");
        }
        final Random random = new Random(42);
        final List<SchedulerRun> runs = new ArrayList<>();
        for (int s = 0; s < SCHEDULERS.size(); s++)
        {
            final List<long[]> series = new ArrayList<>();
            long flows = 0;
            for (int t = 0; t < BUCKETS; t++)
            {
                final long[] row = new long[BACKENDS];
                for (int b = 0; b < BACKENDS; b++)
                {
                    final boolean gone = b == 7 && t >= 6 || b == 3 && t >= 13;
                    row[b] = gone ? 0 : 80 + 10L * s * (b % 3) + random.nextInt(40) + 3L * t;
                    flows += row[b];
                }
                series.add(row);
            }
            final long[] brokenAtMark = {120 + 30L * s, 95 + 200L * s, 60 + 7L * s, 10L * s * s};
            long broken = 0;
            for (final long n : brokenAtMark)
            {
                broken += n;
            }
            final Map<String, Long> verdicts = new LinkedHashMap<>();
            verdicts.put("NEW", flows);
            verdicts.put("EXISTING", flows * 9);
            verdicts.put("DROP", 17L + s);
            runs.add(new SchedulerRun(SCHEDULERS.get(s), flows * 10 + 17 + s, 2_100_000.0 - 350_000.0 * s, flows,
                broken, 275, broken - 275, 1.04 + 0.11 * s, 410.0 + 95 * s, 0, Map.of(), List.of(), backends,
                BUCKET_NANOS, series, brokenAtMark, verdicts));
        }
        return new RunReport("rolling-update", 42, BUCKETS * BUCKET_NANOS, runs, churn,
            List.of("6 replicas rolled to a new version, one at a time", "client traffic: 3,000 new flows/s"));
    }
}
