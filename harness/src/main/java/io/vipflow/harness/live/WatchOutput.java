package io.vipflow.harness.live;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vipflow.Decision;
import io.vipflow.harness.replay.DecisionWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The JSON Lines {@code vipflow watch} prints: decisions in the replay schema ({@link DecisionWriter}) mixed with
 * {@code {"event": "publish", ...}} and {@code {"event": "rejected", ...}} lines. Every line is flushed at once,
 * so a reader follows the watch as it happens.
 * <p>
 * Thread contract: any thread; lines never interleave (one lock around each line). Decisions come from the
 * traffic thread, events from the control-plane thread.
 */
final class WatchOutput implements WatchListener, AutoCloseable
{
    private final Object lock = new Object();
    private final OutputStream out;
    private final DecisionWriter decisions;
    private final JsonGenerator events;

    WatchOutput(final OutputStream out) throws IOException
    {
        this.out = out;
        this.decisions = new DecisionWriter(out);
        this.events = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
        events.setRootValueSeparator(null);
        events.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /**
     * One packet's decision. Traffic thread.
     */
    void decision(final long index, final long epochNanos, final boolean parsed, final Decision d) throws IOException
    {
        synchronized (lock)
        {
            decisions.write(index, epochNanos, parsed, d);
            decisions.flush();
            out.flush();
        }
    }

    @Override
    public void onPublish(final PublishReport report)
    {
        synchronized (lock)
        {
            try
            {
                start("publish");
                events.writeNumberField("generation", report.generation());
                events.writeNumberField("changes", report.changes());
                events.writeNumberField("services", report.services());
                events.writeNumberField("slices", report.slices());
                events.writeFieldName("reaction_ms");
                events.writeNumber(millis(report.oldestNanos()));
                events.writeFieldName("newest_ms");
                events.writeNumber(millis(report.newestNanos()));
                end();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    @Override
    public void onRejected(final String message)
    {
        synchronized (lock)
        {
            try
            {
                start("rejected");
                events.writeStringField("error", message);
                end();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private void start(final String event) throws IOException
    {
        events.writeStartObject();
        events.writeStringField("event", event);
        events.writeFieldName("time");
        events.writeNumber(BigDecimal.valueOf(Clocks.epochNanos(), 9).setScale(6, RoundingMode.DOWN));
    }

    private void end() throws IOException
    {
        events.writeEndObject();
        events.writeRaw('\n');
        events.flush();
        out.flush();
    }

    /** Milliseconds with microsecond digits. */
    private static BigDecimal millis(final long nanos)
    {
        return BigDecimal.valueOf(nanos / 1000, 3);
    }

    @Override
    public void close() throws IOException
    {
        synchronized (lock)
        {
            events.close();
            decisions.flush();
            out.flush();
        }
    }
}
