package io.vipflow.bench.gate;

import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The benchmark regression gate. Exit status 0 when it passes, 1 when it fails, 2 on a usage error.
 * <pre>
 * Gate                     run {@link GateSet#FULL}, compare with the baseline and check allocation; benchmarks
 *                          slower than the baseline run again, and fail only if slower twice
 * Gate --update-baseline   run {@link GateSet#FULL} and make its results the baseline
 * Gate --quick             run {@link GateSet#QUICK}: every benchmark starts, runs and allocates nothing
 * Gate --compare FILE      compare a JMH JSON file already written with the baseline, without running
 * options: --baseline FILE (bench/baseline/gate-baseline.json)  --threshold FRACTION (0.25)  --out FILE
 * </pre>
 * Paths are relative to the working directory, the repository root when started by {@code bench/gate.sh}. The
 * quick mode runs the benchmarks in this JVM, which must therefore carry the flags the benchmarks' forks carry.
 */
public final class Gate
{
    private Gate()
    {
    }

    public static void main(final String[] args) throws RunnerException
    {
        boolean quick = false;
        boolean update = false;
        Path compare = null;
        Path baseline = Path.of("bench/baseline/gate-baseline.json");
        Path out = null;
        double threshold = 0.25;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--update-baseline": update = true; break;
                case "--compare": compare = Path.of(value(args, ++i)); break;
                case "--baseline": baseline = Path.of(value(args, ++i)); break;
                case "--out": out = Path.of(value(args, ++i)); break;
                case "--threshold": threshold = Double.parseDouble(value(args, ++i)); break;
                default: usage("unknown option " + args[i]);
            }
        }
        if (quick && (update || compare != null))
        {
            usage("--quick runs alone");
        }
        final long start = System.nanoTime();
        final GateSet set = quick ? GateSet.QUICK : GateSet.FULL;
        if (compare == null)
        {
            out = out != null ? out : Path.of(quick ? "bench/target/gate-quick.json" : "bench/target/gate.json");
            mkdirs(out);
            System.out.println("gate: " + set.commandLine(out));
            new Runner(set.options(out).build()).run();
        }
        final Path results = compare != null ? compare : out;
        final List<JmhResult> current = JmhResult.read(results);
        final boolean compareTimes = !quick && !update;
        if (compareTimes && !Files.isRegularFile(baseline))
        {
            usage("no baseline at " + baseline + "; make one with --update-baseline");
        }
        final List<JmhResult> before = compareTimes ? JmhResult.read(baseline) : null;
        final Comparison comparison = new Comparison(current, before, threshold);
        if (compare == null && !comparison.slower().isEmpty())
        {
            // One disturbed run on a shared machine must not fail the gate: a slowdown has to show twice.
            final Path again = Path.of(out.toString().replace(".json", "-again.json"));
            final String include = comparison.slower().stream().map(r -> Pattern.quote(r.benchmark())).distinct()
                .collect(Collectors.joining("|", "^(", ")$"));
            System.out.println("gate: " + comparison.slower().size() + " slower than the baseline, running again: " +
                set.commandLine(again).replace(set.include(), include));
            new Runner(set.options(again, include).build()).run();
            final Set<String> slowerAgain = new Comparison(JmhResult.read(again), before, threshold).slower().stream()
                .map(JmhResult::id).collect(Collectors.toSet());
            comparison.confirmSlower(slowerAgain);
        }
        if (quick)
        {
            missingBenchmarks(current).forEach(b -> comparison.fail(b + ": did not run"));
        }
        System.out.println();
        comparison.print(System.out);
        if (update)
        {
            mkdirs(baseline);
            copy(results, baseline);
            System.out.println("gate: baseline written to " + baseline);
        }
        comparison.failures().forEach(f -> System.out.println("gate: FAIL " + f));
        System.out.printf("gate: %.0f s%n", (System.nanoTime() - start) / 1e9);
        System.out.printf("gate: %d passed, %d failed%n", comparison.passed(), comparison.failures().size());
        System.exit(comparison.failures().isEmpty() ? 0 : 1);
    }

    /** Benchmark methods in this jar that have no result. */
    private static Set<String> missingBenchmarks(final List<JmhResult> results)
    {
        final Set<String> all = new TreeSet<>();
        try (InputStream in = Gate.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST))
        {
            for (final BenchmarkListEntry e : BenchmarkList.readBenchmarkList(in))
            {
                all.add(e.getUsername());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        all.removeAll(results.stream().map(JmhResult::benchmark).collect(Collectors.toSet()));
        return all;
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void mkdirs(final Path file)
    {
        try
        {
            if (file.toAbsolutePath().getParent() != null)
            {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void copy(final Path from, final Path to)
    {
        try
        {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void usage(final String problem)
    {
        System.err.println("gate: " + problem);
        System.err.println("usage: bench/gate.sh [--quick | --update-baseline | --compare FILE] " +
            "[--baseline FILE] [--threshold FRACTION] [--out FILE]");
        System.exit(2);
    }
}
