package io.vipflow.bench.gate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a run with the baseline and checks allocation. A benchmark is slower when its score is worse than the
 * baseline's by more than the threshold <em>and</em> the two 99.9 % confidence intervals do not overlap, so that
 * noise on a shared machine does not fail the gate while a real slowdown does; the gate runs a slower benchmark
 * again and fails only if it is slower twice ({@link #confirmSlower}). A data-plane benchmark ({@link DataPlane})
 * fails when it allocates more than {@link DataPlane#MAX_ALLOC_BYTES_PER_OP}. A benchmark in the baseline that did
 * not run fails too.
 */
final class Comparison
{
    /** One benchmark's line in the table. */
    private static final class Row
    {
        final String[] cells;
        final List<String> problems = new ArrayList<>();
        JmhResult slower;

        Row(final String... cells)
        {
            this.cells = cells;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> extraFailures = new ArrayList<>();

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
            String change = "";
            String slower = null;
            if (b != null)
            {
                final double worse = r.lowerIsBetter() ? r.score() / b.score() - 1 : b.score() / r.score() - 1;
                change = String.format("%+.1f%%", 100 * (r.lowerIsBetter() ? worse : -worse));
                final boolean apart = r.lowerIsBetter() ? r.low() > b.high() : r.high() < b.low();
                if (worse > threshold && apart)
                {
                    slower = String.format("slower by %.0f%%", 100 * worse);
                }
            }
            else if (baseline != null)
            {
                change = "new";
            }
            final Row row = new Row(r.id(), b == null ? "" : score(b), score(r), r.unit(), change,
                Double.isNaN(r.cpuNorm()) ? "" : String.format("%.1f", r.cpuNorm()),
                Double.isNaN(r.allocNorm()) ? "" : String.format("%.2f", r.allocNorm()), "");
            if (slower != null)
            {
                row.problems.add(slower);
                row.slower = r;
            }
            if (DataPlane.mustNotAllocate(r) && !(r.allocNorm() <= DataPlane.MAX_ALLOC_BYTES_PER_OP))
            {
                row.problems.add(Double.isNaN(r.allocNorm()) ? "no allocation figure" :
                    String.format("allocates %.2f B/op", r.allocNorm()));
            }
            rows.put(r.id(), row);
        }
        before.forEach((id, b) ->
        {
            final Row row = new Row(id, score(b), "", b.unit(), "", "", "", "");
            row.problems.add("in the baseline but did not run");
            rows.put(id, row);
        });
    }

    private static String score(final JmhResult r)
    {
        final double error = (r.high() - r.low()) / 2;
        return Double.isNaN(error) ? String.format("%.3f", r.score()) : String.format("%.3f ± %.3f", r.score(), error);
    }

    /** Results found slower than the baseline in this run. */
    List<JmhResult> slower()
    {
        final List<JmhResult> out = new ArrayList<>();
        rows.values().forEach(r ->
        {
            if (r.slower != null)
            {
                out.add(r.slower);
            }
        });
        return out;
    }

    /** After a second run of the slower benchmarks: only those slower again (by id) still fail. */
    void confirmSlower(final Set<String> slowerAgain)
    {
        for (final Row row : rows.values())
        {
            if (row.slower != null && !slowerAgain.contains(row.slower.id()))
            {
                row.problems.remove(0);
                row.cells[row.cells.length - 1] = "not slower on a second run; ";
                row.slower = null;
            }
        }
    }

    /** Adds a failure that belongs to no row. */
    void fail(final String failure)
    {
        extraFailures.add(failure);
    }

    /** Everything that fails the gate. */
    List<String> failures()
    {
        final List<String> out = new ArrayList<>();
        rows.forEach((id, row) ->
        {
            if (!row.problems.isEmpty())
            {
                out.add(id + ": " + String.join(", ", row.problems));
            }
        });
        out.addAll(extraFailures);
        return out;
    }

    /** Results that passed every check. */
    int passed()
    {
        return (int)rows.values().stream().filter(r -> r.problems.isEmpty()).count();
    }

    void print(final PrintStream out)
    {
        final String[] head = {"benchmark", "baseline", "now", "unit", "change", "CPU ns/op", "B/op", "verdict"};
        final List<String[]> lines = new ArrayList<>();
        for (final Row row : rows.values())
        {
            final String[] cells = row.cells.clone();
            cells[cells.length - 1] += row.problems.isEmpty() ? "ok" : "FAIL " + String.join(", ", row.problems);
            lines.add(cells);
        }
        final int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++)
        {
            width[c] = head[c].length();
            for (final String[] line : lines)
            {
                width[c] = Math.max(width[c], line[c].length());
            }
        }
        line(out, head, width);
        lines.forEach(l -> line(out, l, width));
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
