package io.vipflow.harness.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Anchors ({@code &name}), aliases ({@code *name}) and merge keys ({@code <<: *name}) of one YAML document, for
 * readers that build trees from the streaming parser, which reports an alias as a plain string holding its name.
 * An alias stands for the node its anchor is on (YAML 1.2, section 3.2.2.2), defined earlier in the same
 * document; a merge key copies in the fields of the mapping (or mappings) it names that the mapping does not set
 * itself, as the Kubernetes YAML reader (go-yaml) does. The node is shared, not copied, and every alias counts
 * the nodes it stands for against a budget, so that nested aliases ("billion laughs") cannot exhaust memory or
 * time.
 * <p>
 * Thread contract: confined to the reading thread; one instance per document.
 */
public final class YamlAnchors
{
    /** Nodes that aliases may stand for in one document, all together. */
    public static final long MAX_ALIASED_NODES = 1_000_000;

    /** The key that merges another mapping's fields in. */
    public static final String MERGE_KEY = "<<";

    private final Map<String, Anchored> anchors = new HashMap<>();
    // Sizes of anchored nodes by identity, so that a node holding aliases is sized without walking them again.
    private final Map<JsonNode, Long> sizes = new IdentityHashMap<>();
    private long aliasedNodes;

    private record Anchored(JsonNode node, long size)
    {
    }

    /** @return the anchor on the parser's current token, or null (always null for JSON). */
    public static String anchor(final JsonParser parser) throws IOException
    {
        return parser instanceof YAMLParser ? parser.getObjectId() instanceof String s ? s : null : null;
    }

    /** @return true when the parser's current token is an alias, not the string it looks like. */
    public static boolean isAlias(final JsonParser parser)
    {
        return parser instanceof YAMLParser yaml && yaml.isCurrentAlias();
    }

    /** Remembers the node an anchor is on; a later anchor of the same name replaces it, as YAML says. */
    public void define(final String anchor, final JsonNode node)
    {
        final long size = size(node);
        sizes.put(node, size);
        anchors.put(anchor, new Anchored(node, size));
    }

    /**
     * @param parser on an alias token.
     * @return the node the alias stands for.
     * @throws IllegalArgumentException when the anchor is not defined before, or the aliases of the document
     *                                  stand for too many nodes.
     */
    public JsonNode resolve(final JsonParser parser) throws IOException
    {
        final String name = parser.getText();
        final Anchored anchored = anchors.get(name);
        if (anchored == null)
        {
            throw new IllegalArgumentException("alias *" + name + " names no anchor &" + name +
                " defined before it in this document");
        }
        aliasedNodes += anchored.size();
        if (aliasedNodes > MAX_ALIASED_NODES)
        {
            throw new IllegalArgumentException("aliases stand for more than " + MAX_ALIASED_NODES +
                " nodes in one document (nested aliases?)");
        }
        return anchored.node();
    }

    /**
     * Applies a merge key's value, after the mapping's own fields are read: the fields of the mapping, or of each
     * mapping in a sequence (earlier ones first), that {@code target} does not set.
     *
     * @throws IllegalArgumentException when the value is not a mapping or a sequence of mappings.
     */
    public static void merge(final ObjectNode target, final JsonNode value)
    {
        if (value.isObject())
        {
            for (final Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> field = it.next();
                if (!target.has(field.getKey()))
                {
                    target.set(field.getKey(), field.getValue());
                }
            }
            return;
        }
        if (value.isArray())
        {
            for (final JsonNode item : value)
            {
                if (!item.isObject())
                {
                    throw new IllegalArgumentException("a merge key (<<) takes a mapping or a list of mappings");
                }
                merge(target, item);
            }
            return;
        }
        throw new IllegalArgumentException("a merge key (<<) takes a mapping or a list of mappings");
    }

    private long size(final JsonNode node)
    {
        final Long known = sizes.get(node);
        if (known != null)
        {
            return known;
        }
        long n = 1;
        for (final JsonNode child : node)
        {
            n += size(child);
        }
        return n;
    }
}
