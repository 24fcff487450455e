package io.vipflow.harness.k8s;

import io.vipflow.testkit.ChurnEvent;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a churn file: JSON Lines, each non-blank line one event
 * {@code {"at": SECONDS, "type": "ADDED"|"MODIFIED"|"DELETED", "object": {...}}} whose object is a Service or an
 * EndpointSlice as the API server sends it in a watch. Events must come in non-decreasing {@code at} order.
 * <p>
 * Objects are converted with the same rules as {@link KubeObjectReader}. Objects of other kinds, and FQDN
 * EndpointSlices, are skipped, as they are in a cluster file. A DELETED object is converted in full when it has a
 * body; when it carries only apiVersion, kind and metadata, the event keeps just its identity.
 * <p>
 * Errors are {@link KubeFormatException}s naming the file, the line and the field: {@code churn.jsonl: line 3,
 * column 8: at 1.0 is earlier than 2.0 on line 2; events must be in time order}. With
 * {@link #read(Path, Consumer)} an object that breaks an API rule is handed to the caller and left out instead.
 * <p>
 * Thread contract: stateless; safe to call from any thread.
 */
public final class ChurnReader
{
    private ChurnReader()
    {
    }

    /**
     * Reads a churn file.
     *
     * @param file JSON Lines, UTF-8.
     * @return the events in file order.
     * @throws KubeFormatException when a line is malformed, out of order or holds an object breaking an API rule.
     * @throws IOException         when the file cannot be read.
     */
    public static List<ChurnEvent> read(final Path file) throws IOException
    {
        return read(file, null);
    }

    /**
     * Reads a churn file, leaving out events whose object breaks an API rule: each is handed to {@code rejected}
     * (with the file, line, column and field) and the reading goes on, so that whoever applies the events keeps
     * the last valid version of that object. A line that is not a well-formed event still fails the read.
     *
     * @param file     JSON Lines, UTF-8.
     * @param rejected receives each refused object in file order; null to fail the read on the first one.
     * @return the accepted events in file order.
     * @throws KubeFormatException when a line is malformed or out of order (or an object is refused and
     *                             {@code rejected} is null).
     * @throws IOException         when the file cannot be read.
     */
    public static List<ChurnEvent> read(final Path file, final Consumer<KubeFormatException> rejected)
        throws IOException
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final CharacterCodingException ex)
        {
            throw new KubeFormatException(file.toString(), 0, 0, file + ": not UTF-8 text");
        }
        return parse(file.toString(), text, rejected);
    }

    /**
     * Reads churn events from text.
     *
     * @param source name used in error messages, normally the file name.
     * @param text   JSON Lines.
     * @return the events in input order.
     * @throws KubeFormatException when a line is malformed, out of order or holds an object breaking an API rule.
     */
    public static List<ChurnEvent> parse(final String source, final String text) throws KubeFormatException
    {
        return parse(source, text, null);
    }

    /**
     * Reads churn events from text; see {@link #read(Path, Consumer)} for {@code rejected}.
     */
    public static List<ChurnEvent> parse(
        final String source, final String text, final Consumer<KubeFormatException> rejected)
        throws KubeFormatException
    {
        final String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        final String[] lines = body.split("\\R", -1);
        final List<ChurnEvent> events = new ArrayList<>();
        double previousAt = 0;
        int previousLine = 0;
        for (int i = 0; i < lines.length; i++)
        {
            if (lines[i].isBlank())
            {
                continue;
            }
            final int lineNumber = i + 1;
            final LocatedTree tree = readLine(source, lines[i], lineNumber);
            final JsonNode root = tree.root();
            try
            {
                if (!root.isObject())
                {
                    throw new ObjectError("", "event must be an object with at, type and object, found " +
                        JsonFields.describe(root));
                }
                final double at = at(root);
                if (previousLine > 0 && at < previousAt)
                {
                    throw new ObjectError("at", asText(at) + " is earlier than " + asText(previousAt) + " on line " +
                        previousLine + "; events must be in time order");
                }
                previousAt = at;
                previousLine = lineNumber;
                final ChurnEvent event = event(at, type(root), root);
                if (event != null)
                {
                    events.add(event);
                }
            }
            catch (final RejectedObject ex)
            {
                final KubeFormatException error = tree.error(source, ex.path, ex.getMessage());
                if (rejected == null)
                {
                    throw error;
                }
                rejected.accept(error);
            }
            catch (final ObjectError ex)
            {
                throw tree.error(source, ex.path(), ex.getMessage());
            }
            catch (final IllegalArgumentException ex)
            {
                throw tree.error(source, "object", "object " + ex.getMessage());
            }
        }
        return events;
    }

    private static LocatedTree readLine(final String source, final String line, final int lineNumber)
        throws KubeFormatException
    {
        JsonParser parser = null;
        try
        {
            parser = KubeObjectReader.JSON.createParser(line);
            parser.nextToken();
            final LocatedTree tree = LocatedTree.read(parser, 0, lineNumber - 1);
            if (parser.nextToken() != null)
            {
                throw LocatedTree.at(source, 0, parser.currentTokenLocation(), lineNumber - 1,
                    "more than one JSON value on the line; each line holds one event");
            }
            return tree;
        }
        catch (final JacksonException ex)
        {
            throw LocatedTree.syntaxError(source, ex, parser, lineNumber - 1);
        }
        catch (final KubeFormatException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new KubeFormatException(source, lineNumber, 0, source + ": line " + lineNumber + ": " +
                ex.getMessage());
        }
    }

    private static double at(final JsonNode root)
    {
        final JsonNode at = JsonFields.get(root, "at");
        if (at == null)
        {
            throw new ObjectError("at", "is required (seconds after the start of the trace)");
        }
        if (!at.isNumber())
        {
            throw new ObjectError("at", "must be a number of seconds, found " + JsonFields.describe(at));
        }
        final double seconds = at.doubleValue();
        if (!(seconds >= 0 && seconds <= ChurnEvent.MAX_AT_SECONDS))
        {
            throw new ObjectError("at", at.asText() + " out of range 0.." + asText(ChurnEvent.MAX_AT_SECONDS));
        }
        return seconds;
    }

    private static ChurnEvent.Type type(final JsonNode root)
    {
        final String type = JsonFields.string(root, "", "type");
        if (type == null)
        {
            throw new ObjectError("type", "is required (ADDED, MODIFIED or DELETED)");
        }
        switch (type)
        {
            case "ADDED":
                return ChurnEvent.Type.ADDED;
            case "MODIFIED":
                return ChurnEvent.Type.MODIFIED;
            case "DELETED":
                return ChurnEvent.Type.DELETED;
            default:
                throw new ObjectError("type", "'" + type + "' is not ADDED, MODIFIED or DELETED");
        }
    }

    /**
     * @return the event, or null when the object is of a kind that is skipped.
     * @throws ObjectError with a path from the root of the line when the object breaks a rule.
     */
    private static ChurnEvent event(final double at, final ChurnEvent.Type type, final JsonNode root)
    {
        final JsonNode object = JsonFields.object(root, "", "object");
        if (object == null)
        {
            throw new ObjectError("object", "is required (a Service or an EndpointSlice)");
        }
        try
        {
            return KubeObjectConverter.event(at, type, object);
        }
        catch (final ObjectError ex)
        {
            final String path = ex.path().isEmpty() ? "object" :
                ex.path().startsWith("[") ? "object" + ex.path() : "object." + ex.path();
            throw new RejectedObject(path, "object (" + KubeObjects.describe(object, null) + "): " +
                ex.getMessage());
        }
    }

    /** An object that breaks an API rule inside an otherwise well-formed event. */
    private static final class RejectedObject extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        final String path;

        RejectedObject(final String path, final String message)
        {
            super(message, null, false, false);
            this.path = path;
        }
    }

    private static String asText(final double seconds)
    {
        return Double.toString(seconds);
    }
}
