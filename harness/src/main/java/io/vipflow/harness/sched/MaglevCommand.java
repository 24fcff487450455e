package io.vipflow.harness.sched;

import io.vipflow.sched.MaglevTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code vipflow maglev}: builds a Maglev table for N backends and reports its build time, the entries each
 * backend holds (min / max against the ideal M / N), and, for each removal percentage, the share of table entries
 * that move when that many backends (chosen at random with the seed) are removed, beside the minimum possible
 * share (the removed backends' own entries): the Maglev paper's resilience measurement (NSDI 2016, Figure 11).
 * Bad arguments end with one line on standard error and exit code 2. One thread.
 */
@Command(name = "maglev", mixinStandardHelpOptions = true,
    description = "Maglev table build time, balance and disruption on backend removal.")
public final class MaglevCommand implements Callable<Integer>
{
    @Option(names = "--backends", paramLabel = "N", defaultValue = "1000", description = "Backends (default 1000).")
    String backends;

    @Option(names = "--table-size", paramLabel = "M", defaultValue = "65537",
        description = "Table size, a prime up to 655373 (default 65537).")
    String tableSize;

    @Option(names = "--remove-percent", paramLabel = "P,...", defaultValue = "1,2,5,10,20",
        description = "Percentages of backends to remove, each measured from the full table (default 1,2,5,10,20).")
    String removePercent;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "7",
        description = "Builds timed; the median is printed (default 7).")
    String runs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed choosing removed backends.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final int n;
        final int size;
        final int timedRuns;
        final double[] percents;
        try
        {
            n = BackendSpecs.number(backends, "--backends");
            if (n < 1 || n > MaglevTable.MAX_BACKENDS)
            {
                throw new IllegalArgumentException("--backends must be 1.." + MaglevTable.MAX_BACKENDS + ": " + n);
            }
            size = BackendSpecs.number(tableSize, "--table-size");
            MaglevTable.requirePrime(size);
            timedRuns = Math.max(1, BackendSpecs.number(runs, "--runs"));
            percents = percents(removePercent);
        }
        catch (final IllegalArgumentException ex)
        {
            return ScheduleCommand.usageError(spec, ex.getMessage());
        }
        final List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            names.add("10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080");
        }
        final long[] nanos = new long[timedRuns];
        char[] table = null;
        for (int r = 0; r < timedRuns; r++)
        {
            final long start = System.nanoTime();
            table = MaglevTable.build(names, size);
            nanos[r] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        final int[] counts = new int[n];
        for (final char c : table)
        {
            counts[c]++;
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("maglev: %d backends, table size %d%n", n, size);
        out.printf("build: %.2f ms (median of %d)%n", nanos[timedRuns / 2] / 1e6, timedRuns);
        out.printf("entries per backend: min %d, max %d (ideal %.2f)%n", Arrays.stream(counts).min().getAsInt(),
            Arrays.stream(counts).max().getAsInt(), (double)size / n);
        out.printf("%-8s %8s %14s %12s %14s %10s%n", "removed", "backends", "entries moved", "share moved",
            "minimum share", "build ms");
        for (final double p : percents)
        {
            final int k = (int)Math.round(n * p / 100);
            if (k < 1 || k >= n)
            {
                out.printf("%-8s %8d %14s %12s %14s %10s%n", format(p) + "%", k, "-", "-", "-", "-");
                continue;
            }
            final List<String> shuffled = new ArrayList<>(names);
            Collections.shuffle(shuffled, new Random(seed));
            final Set<String> removed = new HashSet<>(shuffled.subList(0, k));
            final List<String> kept = new ArrayList<>(n - k);
            for (final String name : names)
            {
                if (!removed.contains(name))
                {
                    kept.add(name);
                }
            }
            final long start = System.nanoTime();
            final char[] after = MaglevTable.build(kept, size);
            final long buildNanos = System.nanoTime() - start;
            int moved = 0;
            int minimum = 0;
            for (int i = 0; i < size; i++)
            {
                final String was = names.get(table[i]);
                minimum += removed.contains(was) ? 1 : 0;
                moved += was.equals(kept.get(after[i])) ? 0 : 1;
            }
            out.printf("%-8s %8d %14d %11.2f%% %13.2f%% %10.2f%n", format(p) + "%", k, moved, 100.0 * moved / size,
                100.0 * minimum / size, buildNanos / 1e6);
        }
        out.flush();
        return 0;
    }

    private static double[] percents(final String text)
    {
        final List<Double> out = new ArrayList<>();
        for (final String item : text.split(","))
        {
            if (item.isBlank())
            {
                continue;
            }
            try
            {
                final double p = Double.parseDouble(item.trim());
                if (p > 0 && p < 100)
                {
                    out.add(p);
                    continue;
                }
            }
            catch (final NumberFormatException ex)
            {
                // reported below
            }
            throw new IllegalArgumentException("--remove-percent values must be numbers between 0 and 100: '" +
                item.trim() + "'");
        }
        if (out.isEmpty())
        {
            throw new IllegalArgumentException("--remove-percent: empty list");
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String format(final double p)
    {
        return p == Math.rint(p) ? Long.toString((long)p) : Double.toString(p);
    }
}
