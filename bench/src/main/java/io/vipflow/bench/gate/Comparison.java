package io.vipflow.bench.gate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a run with the baseline and checks allocation. A benchmark regresses when its score is worse than the
 * baseline's by more than the threshold <em>and</em> the two 99.9 % confidence intervals do not overlap, so that
 * noise on a shared machine does not fail the gate while a real slowdown does. A data-plane benchmark
 * ({@link DataPlane}) fails when it allocates more than {@link DataPlane#MAX_ALLOC_BYTES_PER_OP}. A benchmark in
 * the baseline that did not run fails too.
 */
final class Comparison
{
    private final List<String> failures = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param baseline  results to compare against, or null to check allocation only
     * @param threshold allowed slowdown as a fraction (0.25: 25 %)
     */
    Comparison(final List<JmhResult> current, final List<JmhResult> baseline, final double threshold)
    {
        final Map<String, JmhResult> before = new LinkedHashMap<>();
        if (baseline != null)
        {
            baseline.forEach(r -> before.put(r.id(), r));
        }
        for (final JmhResult r : current)
        {
            final JmhResult b = before.remove(r.id());
            final List<String> verdict = new ArrayList<>();
            String change = "";
            if (b != null)
            {
                final double worse = r.lowerIsBetter() ? r.score() / b.score() - 1 : b.score() / r.score() - 1;
                change = String.format("%+.1f%%", 100 * (r.lowerIsBetter() ? worse : -worse));
                final boolean apart = r.lowerIsBetter() ? r.low() > b.high() : r.high() < b.low();
                if (worse > threshold && apart)
                {
                    verdict.add(String.format("slower by %.0f%%", 100 * worse));
                }
            }
            else if (baseline != null)
            {
                change = "new";
            }
            if (DataPlane.mustNotAllocate(r) && !(r.allocNorm() <= DataPlane.MAX_ALLOC_BYTES_PER_OP))
            {
                verdict.add(Double.isNaN(r.allocNorm()) ? "no allocation figure" :
                    String.format("allocates %.2f B/op", r.allocNorm()));
            }
            if (!verdict.isEmpty())
            {
                failures.add(r.id() + ": " + String.join(", ", verdict));
            }
            rows.add(new String[] {r.id(), b == null ? "" : score(b), score(r), r.unit(), change,
                Double.isNaN(r.cpuNorm()) ? "" : String.format("%.1f", r.cpuNorm()),
                Double.isNaN(r.allocNorm()) ? "" : String.format("%.2f", r.allocNorm()),
                verdict.isEmpty() ? "ok" : "FAIL " + String.join(", ", verdict)});
        }
        before.keySet().forEach(id ->
        {
            failures.add(id + ": in the baseline but did not run");
            rows.add(new String[] {id, score(before.get(id)), "", before.get(id).unit(), "", "", "", "FAIL missing"});
        });
    }

    private static String score(final JmhResult r)
    {
        final double error = (r.high() - r.low()) / 2;
        return Double.isNaN(error) ? String.format("%.3f", r.score()) : String.format("%.3f ± %.3f", r.score(), error);
    }

    /** Everything that fails the gate; the caller may add its own findings. */
    List<String> failures()
    {
        return failures;
    }

    /** Results that passed every check. */
    int passed()
    {
        return (int)rows.stream().filter(r -> r[r.length - 1].equals("ok")).count();
    }

    void print(final PrintStream out)
    {
        final String[] head = {"benchmark", "baseline", "now", "unit", "change", "CPU ns/op", "B/op", "verdict"};
        final int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++)
        {
            width[c] = head[c].length();
            for (final String[] row : rows)
            {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        line(out, head, width);
        for (final String[] row : rows)
        {
            line(out, row, width);
        }
    }

    private static void line(final PrintStream out, final String[] cells, final int[] width)
    {
        final StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++)
        {
            final boolean left = c == 0 || c == cells.length - 1;
            b.append(left ? String.format("%-" + width[c] + "s", cells[c]) : String.format("%" + width[c] + "s",
                cells[c])).append(c + 1 < cells.length ? "  " : "");
        }
        out.println(b.toString().stripTrailing());
    }
}
