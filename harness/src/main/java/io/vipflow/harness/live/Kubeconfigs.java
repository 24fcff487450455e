package io.vipflow.harness.live;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.nio.charset.CharacterCodingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a kubeconfig names an API server before the client reads it: a kubeconfig without one (an empty
 * file, a context naming no cluster) would otherwise send the client to the in-cluster address, and the error
 * would name a server the user never gave.
 * <p>
 * Thread contract: stateless.
 */
final class Kubeconfigs
{
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Kubeconfigs()
    {
    }

    /**
     * @param file    the kubeconfig.
     * @param context the context to use, or null for the file's {@code current-context}.
     * @throws IOException with one line naming the file and what is missing.
     */
    static void requireServer(final Path file, final String context) throws IOException
    {
        final JsonNode root;
        try
        {
            root = YAML.readTree(Files.readString(file));
        }
        catch (final JacksonException ex)
        {
            throw new IOException(file + ": not a usable kubeconfig: " + KubeWatch.oneLine(ex));
        }
        catch (final CharacterCodingException ex)
        {
            throw new IOException(file + ": not a usable kubeconfig: not UTF-8 text");
        }
        if (root == null || !root.isObject())
        {
            throw new IOException(file + ": not a usable kubeconfig: not a YAML mapping");
        }
        final String name = context != null ? context : root.path("current-context").asText("");
        if (name.isEmpty())
        {
            throw new IOException(file + ": names no current-context (or give --context)");
        }
        final String cluster = named(root.path("contexts"), name).path("context").path("cluster").asText("");
        if (cluster.isEmpty())
        {
            throw new IOException(file + ": context '" + name + "' is not defined or names no cluster");
        }
        final String server = named(root.path("clusters"), cluster).path("cluster").path("server").asText("");
        if (server.isEmpty())
        {
            throw new IOException(file + ": cluster '" + cluster + "' has no server");
        }
    }

    private static JsonNode named(final JsonNode list, final String name)
    {
        for (final JsonNode entry : list)
        {
            if (name.equals(entry.path("name").asText(null)))
            {
                return entry;
            }
        }
        return YAML.missingNode();
    }
}
