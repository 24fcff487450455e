package io.vipflow.harness.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, checked access to one mapping of a scenario file: every read names the field's path and position when the
 * value is missing, of the wrong type or out of range, and {@link #allow} refuses keys the format does not know.
 * <p>
 * Thread contract: confined to the reading thread.
 */
final class ScenarioFields
{
    private final YamlTree tree;
    private final JsonNode node;
    private final String path;

    ScenarioFields(final YamlTree tree, final JsonNode node, final String path) throws ScenarioFormatException
    {
        this.tree = tree;
        this.node = node;
        this.path = path;
        if (!node.isObject())
        {
            throw tree.error(path, "expected a mapping of fields");
        }
    }

    String path()
    {
        return path;
    }

    String child(final String key)
    {
        return path.isEmpty() ? key : path + "." + key;
    }

    ScenarioFormatException error(final String key, final String detail)
    {
        return tree.error(key == null ? path : child(key), detail);
    }

    /** Refuses any key not in {@code keys}. */
    void allow(final String... keys) throws ScenarioFormatException
    {
        final Set<String> known = Set.of(keys);
        final Iterator<String> names = node.fieldNames();
        while (names.hasNext())
        {
            final String name = names.next();
            if (!known.contains(name))
            {
                throw tree.keyError(child(name), "unknown field; expected one of " + List.of(keys));
            }
        }
    }

    boolean has(final String key)
    {
        return node.has(key) && !node.get(key).isNull();
    }

    private String text(final String key) throws ScenarioFormatException
    {
        if (!has(key))
        {
            throw error(key, "required field is missing");
        }
        final JsonNode v = node.get(key);
        if (!v.isTextual())
        {
            throw error(key, "expected a single value, not a " + (v.isArray() ? "list" : "mapping"));
        }
        return v.asText();
    }

    String string(final String key) throws ScenarioFormatException
    {
        return text(key);
    }

    String string(final String key, final String fallback) throws ScenarioFormatException
    {
        return has(key) ? text(key) : fallback;
    }

    long whole(final String key, final long min, final long max) throws ScenarioFormatException
    {
        final String t = text(key);
        final long v;
        try
        {
            v = Long.parseLong(t.trim().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw error(key, "'" + t + "' is not a whole number");
        }
        if (v < min || v > max)
        {
            throw error(key, v + " out of range " + min + ".." + max);
        }
        return v;
    }

    long whole(final String key, final long fallback, final long min, final long max) throws ScenarioFormatException
    {
        return has(key) ? whole(key, min, max) : fallback;
    }

    double number(final String key, final double min, final double max) throws ScenarioFormatException
    {
        final String t = text(key);
        final double v;
        try
        {
            v = Double.parseDouble(t.trim().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw error(key, "'" + t + "' is not a number");
        }
        if (!(v >= min && v <= max))
        {
            throw error(key, t + " out of range " + min + ".." + max);
        }
        return v;
    }

    double number(final String key, final double fallback, final double min, final double max)
        throws ScenarioFormatException
    {
        return has(key) ? number(key, min, max) : fallback;
    }

    ScenarioFields object(final String key) throws ScenarioFormatException
    {
        if (!has(key))
        {
            throw error(key, "required field is missing");
        }
        return new ScenarioFields(tree, node.get(key), child(key));
    }

    /** The elements of a list; each must be a mapping. */
    List<ScenarioFields> objects(final String key) throws ScenarioFormatException
    {
        final List<ScenarioFields> out = new ArrayList<>();
        if (!has(key))
        {
            return out;
        }
        final JsonNode v = node.get(key);
        if (!v.isArray())
        {
            throw error(key, "expected a list");
        }
        for (int i = 0; i < v.size(); i++)
        {
            out.add(new ScenarioFields(tree, v.get(i), child(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A list of single values, or {@code fallback} when absent. */
    List<String> strings(final String key, final List<String> fallback) throws ScenarioFormatException
    {
        if (!has(key))
        {
            return fallback;
        }
        final JsonNode v = node.get(key);
        if (!v.isArray())
        {
            throw error(key, "expected a list");
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++)
        {
            if (!v.get(i).isTextual())
            {
                throw tree.error(child(key) + "[" + i + "]", "expected a single value");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** The one key of this mapping among {@code choices}; refuses none and several. */
    String oneOf(final String... choices) throws ScenarioFormatException
    {
        String found = null;
        for (final String c : choices)
        {
            if (has(c))
            {
                if (found != null)
                {
                    throw error(c, "only one of " + List.of(choices) + " may be given here");
                }
                found = c;
            }
        }
        if (found == null)
        {
            throw error(null, "one of " + List.of(choices) + " is required");
        }
        return found;
    }
}
