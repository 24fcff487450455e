package io.vipflow.harness.sim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipflow.harness.k8s.AnchoredYamlFactory;
import io.vipflow.harness.k8s.YamlAnchors;

import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a tree, with the position of every node keyed by its path
 * ({@code churn[2].rollingUpdate.maxSurge}), so that errors found while interpreting it point at the field.
 * Scalars keep their YAML text ({@code 25%}, {@code 1e6}) as text nodes; {@link ScenarioFields} converts them.
 * <p>
 * Thread contract: confined to the reading thread.
 */
final class YamlTree
{
    private static final AnchoredYamlFactory YAML = AnchoredYamlFactory.create(new LoaderOptions());

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final String source;
    final JsonNode root;
    private final Map<String, JsonLocation> locations;

    private YamlTree(final String source, final JsonNode root, final Map<String, JsonLocation> locations)
    {
        this.source = source;
        this.root = root;
        this.locations = locations;
    }

    static YamlTree parse(final String source, final String text) throws ScenarioFormatException
    {
        final Map<String, JsonLocation> locations = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text))
        {
            final JsonToken first = parser.nextToken();
            if (first == null)
            {
                throw new ScenarioFormatException(source, 0, 0, "", "the file is empty");
            }
            final JsonNode root = read(parser, "", locations, new YamlAnchors());
            if (parser.nextToken() != null)
            {
                final JsonLocation at = parser.currentTokenLocation();
                throw new ScenarioFormatException(source, at.getLineNr(), at.getColumnNr(), "",
                    "one YAML document expected, found another");
            }
            return new YamlTree(source, root, locations);
        }
        catch (final JacksonException ex)
        {
            final JsonLocation at = ex.getLocation();
            throw new ScenarioFormatException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 :
                at.getColumnNr(), "", "not valid YAML: " + ex.getOriginalMessage());
        }
        catch (final ScenarioFormatException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new ScenarioFormatException(source, 0, 0, "", ex.getMessage());
        }
    }

    private static JsonNode read(final JsonParser p, final String path, final Map<String, JsonLocation> locations,
        final YamlAnchors anchors) throws IOException
    {
        locations.put(path, p.currentTokenLocation());
        final String anchor = YamlAnchors.anchor(p);
        final JsonNode node;
        try
        {
            node = readNode(p, path, locations, anchors);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JsonParseException(p, ex.getMessage(), locations.get(path));
        }
        if (anchor != null)
        {
            anchors.define(anchor, node);
        }
        return node;
    }

    private static JsonNode readNode(final JsonParser p, final String path,
        final Map<String, JsonLocation> locations, final YamlAnchors anchors) throws IOException
    {
        if (YamlAnchors.isAlias(p))
        {
            return anchors.resolve(p);
        }
        final JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT)
        {
            final ObjectNode object = NODES.objectNode();
            final List<JsonNode> merges = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = p.currentName();
                final String child = path.isEmpty() ? name : path + "." + name;
                locations.put(child + "#key", p.currentTokenLocation());
                p.nextToken();
                final JsonNode value = read(p, child, locations, anchors);
                if (YamlAnchors.MERGE_KEY.equals(name))
                {
                    merges.add(value);
                }
                else
                {
                    object.set(name, value);
                }
            }
            for (final JsonNode merge : merges)
            {
                YamlAnchors.merge(object, merge);
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY)
        {
            final ArrayNode array = NODES.arrayNode();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY)
            {
                array.add(read(p, path + "[" + i++ + "]", locations, anchors));
            }
            return array;
        }
        if (token == JsonToken.VALUE_NULL)
        {
            return NODES.nullNode();
        }
        return NODES.textNode(p.getText());
    }

    /** @return an error positioned at {@code path} (or at its key, or at the nearest enclosing node). */
    ScenarioFormatException error(final String path, final String detail)
    {
        JsonLocation at = locations.get(path);
        String p = path;
        while (at == null && !p.isEmpty())
        {
            at = locations.get(p + "#key");
            if (at != null)
            {
                break;
            }
            final int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
            at = locations.get(p);
        }
        return new ScenarioFormatException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
            path, detail);
    }

    /** @return an error positioned at the key of {@code path} (for keys that should not be there). */
    ScenarioFormatException keyError(final String path, final String detail)
    {
        final JsonLocation at = locations.get(path + "#key");
        return at == null ? error(path, detail) :
            new ScenarioFormatException(source, at.getLineNr(), at.getColumnNr(), path, detail);
    }
}
