package io.vipflow.harness.k8s;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One root value (a JSON value or a YAML document) read into a tree, with the position where every node starts,
 * keyed by its path ({@code items[2].spec.ports[0].port}). Tree nodes do not carry positions, so the reader
 * records them while it builds the tree; errors found later can then point at the exact field.
 * <p>
 * Thread contract: confined to the reading thread.
 */
final class LocatedTree
{
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final Map<String, JsonLocation> locations;
    private final int document;
    private final int lineOffset;

    private LocatedTree(
        final JsonNode root, final Map<String, JsonLocation> locations, final int document, final int lineOffset)
    {
        this.root = root;
        this.locations = locations;
        this.document = document;
        this.lineOffset = lineOffset;
    }

    /**
     * Reads the value whose first token the parser is on, leaving the parser on its last token.
     *
     * @param parser     positioned on the first token of the value.
     * @param document   1-based YAML document number, or 0 when positions need no document (JSON).
     * @param lineOffset added to the parser's line numbers (for a line of a JSON Lines file read on its own).
     */
    static LocatedTree read(final JsonParser parser, final int document, final int lineOffset) throws IOException
    {
        final Map<String, JsonLocation> locations = new HashMap<>();
        final JsonNode root = readValue(parser, "", locations, new YamlAnchors());
        return new LocatedTree(root, locations, document, lineOffset);
    }

    JsonNode root()
    {
        return root;
    }

    /**
     * Builds the exception for an error found at {@code path}, positioned at the deepest recorded node on that
     * path (a missing field is reported at the object that lacks it).
     *
     * @param source file name for the message.
     * @param path   path of the offending node from the root of this tree.
     * @param detail what is wrong, without source or position.
     */
    KubeFormatException error(final String source, final String path, final String detail)
    {
        return at(source, document, locate(path), lineOffset, detail);
    }

    /**
     * @return where the node at {@code path} starts, as in messages: {@code document 2, line 40, column 7}.
     */
    String position(final String path)
    {
        final JsonLocation location = locate(path);
        final StringBuilder sb = new StringBuilder();
        if (document > 0)
        {
            sb.append("document ").append(document).append(", ");
        }
        return sb.append("line ").append(location.getLineNr() + lineOffset)
            .append(", column ").append(location.getColumnNr()).toString();
    }

    private JsonLocation locate(final String path)
    {
        String probe = path;
        JsonLocation location = locations.get(probe);
        while (location == null && !probe.isEmpty())
        {
            probe = JsonFields.parentOf(probe);
            location = locations.get(probe);
        }
        return location;
    }

    /**
     * Builds the exception for a malformed input, as one line without parser class names.
     */
    static KubeFormatException syntaxError(
        final String source, final JacksonException ex, final JsonParser parser, final int lineOffset)
    {
        final JsonLocation location = ex.getLocation() != null ? ex.getLocation() :
            parser == null ? null : parser.currentLocation();
        return at(source, 0, location, lineOffset, "syntax error: " + oneLine(ex.getOriginalMessage()));
    }

    /**
     * Builds an exception at a position: {@code source: [document D, ]line L, column C: detail}.
     */
    static KubeFormatException at(
        final String source, final int document, final JsonLocation location, final int lineOffset,
        final String detail)
    {
        final StringBuilder sb = new StringBuilder(source).append(": ");
        if (document > 0)
        {
            sb.append("document ").append(document).append(", ");
        }
        int line = 0;
        int column = 0;
        if (location != null && location.getLineNr() > 0)
        {
            line = location.getLineNr() + lineOffset;
            column = Math.max(location.getColumnNr(), 0);
            sb.append("line ").append(line);
            if (column > 0)
            {
                sb.append(", column ").append(column);
            }
            sb.append(": ");
        }
        return new KubeFormatException(source, line, column, sb.append(detail).toString());
    }

    /**
     * Reduces a parser message to one line: YAML problems come with indented source excerpts and carets, and
     * some messages embed a location or a setting name that the position already covers.
     */
    private static String oneLine(final String message)
    {
        if (message == null)
        {
            return "malformed input";
        }
        final StringBuilder sb = new StringBuilder();
        for (final String line : message.split("\\R"))
        {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0)))
            {
                continue;
            }
            if (sb.length() > 0)
            {
                sb.append(": ");
            }
            sb.append(line.trim());
        }
        return sb.toString()
            .replaceAll("\\s*\\(start marker at \\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]\\)",
                " started at line $1, column $2")
            .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
            .replaceAll(", from `[^`]*`", "");
    }

    private static JsonNode readValue(final JsonParser parser, final String path,
        final Map<String, JsonLocation> locations, final YamlAnchors anchors) throws IOException
    {
        locations.put(path, parser.currentTokenLocation());
        final String anchor = YamlAnchors.anchor(parser);
        final JsonNode node = readNode(parser, path, locations, anchors);
        if (anchor != null)
        {
            anchors.define(anchor, node);
        }
        return node;
    }

    private static JsonNode readNode(final JsonParser parser, final String path,
        final Map<String, JsonLocation> locations, final YamlAnchors anchors) throws IOException
    {
        final JsonToken token = parser.currentToken();
        try
        {
            if (YamlAnchors.isAlias(parser))
            {
                return anchors.resolve(parser);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JsonParseException(parser, ex.getMessage(), parser.currentTokenLocation());
        }
        switch (token)
        {
            case START_OBJECT:
            {
                final ObjectNode node = NODES.objectNode();
                final List<JsonNode> merges = new ArrayList<>();
                JsonLocation mergeAt = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String field = parser.currentName();
                    parser.nextToken();
                    final JsonNode value = readValue(parser, JsonFields.path(path, field), locations, anchors);
                    if (YamlAnchors.MERGE_KEY.equals(field) && parser instanceof YAMLParser)
                    {
                        merges.add(value);
                        mergeAt = locations.get(JsonFields.path(path, field));
                    }
                    else
                    {
                        node.set(field, value);
                    }
                }
                try
                {
                    for (final JsonNode merge : merges)
                    {
                        YamlAnchors.merge(node, merge);
                    }
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new JsonParseException(parser, ex.getMessage(), mergeAt);
                }
                return node;
            }
            case START_ARRAY:
            {
                final ArrayNode node = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY)
                {
                    node.add(readValue(parser, JsonFields.index(path, node.size()), locations, anchors));
                }
                return node;
            }
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                switch (parser.getNumberType())
                {
                    case INT:
                        return NODES.numberNode(parser.getIntValue());
                    case LONG:
                        return NODES.numberNode(parser.getLongValue());
                    default:
                        return NODES.numberNode(parser.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // YAML tags such as !!binary: kept as an opaque value, which no field accepts.
                return NODES.pojoNode(parser.getEmbeddedObject());
        }
    }
}
