package io.vipflow.harness.k8s;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.testkit.ChurnEvent;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Services and EndpointSlices from what {@code kubectl get svc,endpointslices -o json} or {@code -o yaml}
 * prints: a {@code List} (or any {@code *List} kind with {@code items}), a single object, a top-level JSON array,
 * several JSON values one after the other, or a multi-document YAML stream. Input starting (after blanks) with
 * {@code {} or {@code [} is JSON, anything else YAML.
 * <p>
 * Objects of other kinds are skipped and counted ({@link ClusterObjects#skipped()}), as are EndpointSlices with
 * addressType FQDN; a file with no Service and no EndpointSlice is an error. YAML anchors, aliases and merge keys
 * are resolved ({@link YamlAnchors}). Anything malformed, and anything the API server would refuse, fails the whole read with a
 * {@link KubeFormatException} naming the file, the position of the offending field and the rule broken.
 * <p>
 * Thread contract: stateless; safe to call from any thread.
 */
public final class KubeObjectReader
{
    private static final int MAX_YAML_CODE_POINTS = Integer.MAX_VALUE;

    static final JsonFactory JSON = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private static final YAMLFactory YAML = AnchoredYamlFactory.create(yamlLoaderOptions());

    private KubeObjectReader()
    {
    }

    /**
     * Reads a file of Kubernetes objects.
     *
     * @param file JSON or YAML file, UTF-8.
     * @return the Services and EndpointSlices in file order.
     * @throws KubeFormatException when the file is malformed or an object breaks an API rule.
     * @throws IOException         when the file cannot be read.
     */
    public static ClusterObjects read(final Path file) throws IOException
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
        return parse(file.toString(), text);
    }

    /**
     * Reads Kubernetes objects from text.
     *
     * @param source name used in error messages, normally the file name.
     * @param text   JSON or YAML.
     * @return the Services and EndpointSlices in input order.
     * @throws KubeFormatException when the text is malformed or an object breaks an API rule.
     */
    public static ClusterObjects parse(final String source, final String text) throws KubeFormatException
    {
        final String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        final boolean json = isJson(body);
        final Collector collector = new Collector(source);
        JsonParser parser = null;
        try
        {
            parser = (json ? JSON : YAML).createParser(body);
            int document = 0;
            while (parser.nextToken() != null)
            {
                document++;
                collector.root(LocatedTree.read(parser, json ? 0 : document, 0));
            }
        }
        catch (final JacksonException ex)
        {
            throw LocatedTree.syntaxError(source, ex, parser, 0);
        }
        catch (final KubeFormatException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new KubeFormatException(source, 0, 0, source + ": " + ex.getMessage());
        }
        finally
        {
            closeQuietly(parser);
        }
        final ClusterObjects objects = collector.result();
        if (objects.services().isEmpty() && objects.slices().isEmpty())
        {
            // Replaying against nothing would pass every packet without a word: say what the file lacks.
            throw new KubeFormatException(source, 0, 0, source + ": holds no Services or EndpointSlices" +
                (objects.skipped() > 0 ? " (" + objects.skipped() + " objects of other kinds or FQDN slices)" :
                    " (the file is empty)"));
        }
        return objects;
    }

    private static boolean isJson(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!Character.isWhitespace(c))
            {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static LoaderOptions yamlLoaderOptions()
    {
        // The YAML library refuses documents above 3 MiB by default; a cluster dump is easily larger.
        final LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_YAML_CODE_POINTS);
        return options;
    }

    private static void closeQuietly(final JsonParser parser)
    {
        if (parser != null)
        {
            try
            {
                parser.close();
            }
            catch (final IOException ignore)
            {
                // Reading from a string: nothing to release.
            }
        }
    }

    /**
     * Walks the roots of one input, converting the objects in them.
     */
    private static final class Collector
    {
        private final String source;
        private final List<ServiceSpec> services = new ArrayList<>();
        private final List<EndpointSliceSpec> slices = new ArrayList<>();
        private final Map<String, String> seen = new HashMap<>();
        private final ServiceIpRules ipRules = new ServiceIpRules();
        private int skipped;

        Collector(final String source)
        {
            this.source = source;
        }

        void root(final LocatedTree tree) throws KubeFormatException
        {
            final JsonNode root = tree.root();
            if (root.isNull() || (root.isTextual() && root.textValue().isEmpty()))
            {
                // An empty YAML document, such as after a trailing "---".
                return;
            }
            if (root.isArray())
            {
                items(tree, "", root, null);
            }
            else
            {
                value(tree, "", root, null);
            }
        }

        ClusterObjects result()
        {
            return new ClusterObjects(services, slices, skipped);
        }

        private void items(final LocatedTree tree, final String path, final JsonNode items, final String inferredKind)
            throws KubeFormatException
        {
            for (int i = 0; i < items.size(); i++)
            {
                value(tree, JsonFields.index(path, i), items.get(i), inferredKind);
            }
        }

        private void value(final LocatedTree tree, final String path, final JsonNode node, final String inferredKind)
            throws KubeFormatException
        {
            if (!node.isObject())
            {
                throw tree.error(source, path, (path.isEmpty() ? "document" : path) +
                    " must be a Kubernetes object, found " + JsonFields.describe(node));
            }
            final JsonNode kind = node.get("kind");
            final JsonNode items = node.get("items");
            if (kind != null && kind.isTextual() && kind.textValue().endsWith("List") &&
                (items == null || items.isArray() || items.isNull()))
            {
                // kubectl prints "kind: List"; the API server's typed lists (ServiceList, ...) leave the kind
                // out of their items.
                final String listKind = kind.textValue();
                final String itemKind = "List".equals(listKind) ? null :
                    listKind.substring(0, listKind.length() - "List".length());
                if (items != null && items.isArray())
                {
                    items(tree, JsonFields.path(path, "items"), items, itemKind);
                }
                return;
            }
            object(tree, path, node, inferredKind);
        }

        private void object(final LocatedTree tree, final String path, final JsonNode node, final String inferredKind)
            throws KubeFormatException
        {
            final String description = KubeObjects.describe(node, inferredKind);
            final String label = path.isEmpty() ? description : path + " (" + description + ")";
            try
            {
                final ChurnEvent.Kind kind = KubeObjects.classify(node, inferredKind);
                if (kind == ChurnEvent.Kind.SERVICE)
                {
                    final ServiceSpec service = ServiceConverter.convert(node);
                    unique("Service " + service.key(), tree.position(path));
                    try
                    {
                        ipRules.admit(service);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw ObjectError.withMessage(node.path("spec").has("clusterIPs") ? "spec.clusterIPs" :
                            "spec.clusterIP", ex.getMessage());
                    }
                    services.add(service);
                    return;
                }
                final EndpointSliceSpec slice = kind == null ? null : SliceConverter.convert(node);
                if (slice == null)
                {
                    skipped++;
                    return;
                }
                unique("EndpointSlice " + slice.key(), tree.position(path));
                slices.add(slice);
            }
            catch (final ObjectError ex)
            {
                throw tree.error(source, join(path, ex.path()), label + ": " + ex.getMessage());
            }
            catch (final IllegalArgumentException ex)
            {
                throw tree.error(source, path, label + ": " + ex.getMessage());
            }
        }

        private void unique(final String key, final String position)
        {
            final String previous = seen.putIfAbsent(key, position);
            if (previous != null)
            {
                throw new ObjectError("", "duplicates the " + key + " at " + previous);
            }
        }

        private static String join(final String path, final String relative)
        {
            if (relative.isEmpty())
            {
                return path;
            }
            if (path.isEmpty() || relative.startsWith("["))
            {
                return path + relative;
            }
            return path + "." + relative;
        }
    }
}
