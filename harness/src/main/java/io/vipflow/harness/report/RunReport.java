package io.vipflow.harness.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Everything a report shows about one simulation: the scenario, one {@link SchedulerRun} per scheduler, the churn
 * that happened and free-form notes.
 * <p>
 * Thread contract: immutable (see {@link SchedulerRun} for its arrays).
 *
 * @param scenario      scenario name.
 * @param seed          seed every generator of the run was derived from.
 * @param durationNanos simulated length of the run, nanoseconds.
 * @param runs          one entry per scheduler, in the order they were requested.
 * @param churn         cluster changes in time order.
 * @param notes         remarks for the reader (fleet changes, shortened runs).
 */
public record RunReport(
    String scenario,
    long seed,
    long durationNanos,
    List<SchedulerRun> runs,
    List<ChurnMark> churn,
    List<String> notes)
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunReport
    {
        Objects.requireNonNull(scenario, "scenario");
        runs = List.copyOf(runs);
        churn = List.copyOf(churn);
        notes = List.copyOf(notes);
    }

    /** @return this report as indented JSON, fields in declaration order. */
    public String toJson()
    {
        try
        {
            return MAPPER.writeValueAsString(this);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param json text produced by {@link #toJson()}.
     * @return the report it describes.
     * @throws IllegalArgumentException when the text is not such a report.
     */
    public static RunReport fromJson(final String json)
    {
        try
        {
            return MAPPER.readValue(json, RunReport.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("not a run report: " + ex.getOriginalMessage(), ex);
        }
    }
}
