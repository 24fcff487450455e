package io.vipflow.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark's result as JMH writes it with {@code -rf json}: the score with its 99.9 % confidence interval
 * and, when run with {@code -prof gc}, the bytes allocated per operation.
 *
 * @param benchmark  the benchmark's full name, {@code package.Class.method}
 * @param params     its parameters, by name
 * @param mode       JMH mode ({@code avgt}, {@code sample}, {@code thrpt}, ...)
 * @param threads    benchmark threads
 * @param score      the primary score
 * @param low        lower end of the confidence interval (NaN with a single iteration)
 * @param high       upper end of the confidence interval (NaN with a single iteration)
 * @param unit       the score's unit ({@code ns/op}, {@code us/op}, {@code ops/s})
 * @param allocNorm  {@code gc.alloc.rate.norm} in bytes per operation, or NaN without {@code -prof gc}
 * @param cpuNorm    {@code cpu.time.norm} in CPU nanoseconds per operation, or NaN without
 *                   {@code -prof io.vipflow.bench.CpuTimeProfiler}
 */
public record JmhResult(String benchmark, Map<String, String> params, String mode, int threads, double score,
    double low, double high, String unit, double allocNorm, double cpuNorm)
{
    /** The benchmark and its parameters: what identifies one result across runs. */
    public String id()
    {
        if (params.isEmpty())
        {
            return shortName();
        }
        final StringBuilder b = new StringBuilder(shortName()).append(' ');
        params.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        return b.toString().trim();
    }

    /** {@code Class.method}. */
    public String shortName()
    {
        final int method = benchmark.lastIndexOf('.');
        return benchmark.substring(benchmark.lastIndexOf('.', method - 1) + 1);
    }

    /** True when a larger score is worse (a time per operation); false for throughput. */
    public boolean lowerIsBetter()
    {
        return unit.endsWith("/op");
    }

    /** Reads every result of a JMH JSON file. */
    public static List<JmhResult> read(final Path file)
    {
        final JsonNode root;
        try
        {
            root = new ObjectMapper().readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
        final List<JmhResult> results = new ArrayList<>();
        for (final JsonNode n : root)
        {
            final Map<String, String> params = new TreeMap<>();
            final JsonNode p = n.path("params");
            for (final Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            final JsonNode primary = n.path("primaryMetric");
            final JsonNode ci = primary.path("scoreConfidence");
            double alloc = Double.NaN;
            double cpu = Double.NaN;
            for (final Iterator<Map.Entry<String, JsonNode>> it = n.path("secondaryMetrics").fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> e = it.next();
                // JMH before 1.35 prefixed profiler metrics with a middle dot.
                final String metric = e.getKey().replace("\u00b7", "");
                if (metric.equals("gc.alloc.rate.norm"))
                {
                    alloc = e.getValue().path("score").asDouble(Double.NaN);
                }
                else if (metric.equals("cpu.time.norm"))
                {
                    cpu = e.getValue().path("score").asDouble(Double.NaN);
                }
            }
            results.add(new JmhResult(n.path("benchmark").asText(), params, n.path("mode").asText(),
                n.path("threads").asInt(1), primary.path("score").asDouble(Double.NaN),
                number(ci.path(0)), number(ci.path(1)), primary.path("scoreUnit").asText(), alloc, cpu));
        }
        return results;
    }

    /** JMH writes "NaN" as a string when it has no interval. */
    private static double number(final JsonNode n)
    {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
