package io.vipflow.harness.k8s;

import io.vipflow.testkit.ChurnEvent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;

/**
 * Identity of Kubernetes objects: which kind an object is, its namespace and name, and how to name it in messages.
 * <p>
 * Thread contract: stateless.
 */
final class KubeObjects
{
    /** Label that ties an EndpointSlice to its Service (discovery.k8s.io/v1, {@code LabelServiceName}). */
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private static final String SERVICE = "Service";
    private static final String ENDPOINT_SLICE = "EndpointSlice";
    private static final String CORE_GROUP = "";
    private static final String DISCOVERY_GROUP = "discovery.k8s.io";

    private KubeObjects()
    {
    }

    /**
     * Decides what an object is. Kinds are matched together with their API group: a {@code Service} of another
     * group (Knative's {@code serving.knative.dev/v1 Service}, say) is a different resource and is not ours. A
     * supported kind at a version other than the supported one is refused rather than skipped, so that an old
     * {@code discovery.k8s.io/v1beta1} dump does not silently lose its endpoints.
     *
     * @param object       the object.
     * @param inferredKind the kind implied by a typed list ({@code ServiceList} items carry no kind), or null.
     * @return the kind, or null when the object is of a kind this converter does not read.
     * @throws ObjectError when the kind is missing or the version is not supported.
     */
    static ChurnEvent.Kind classify(final JsonNode object, final String inferredKind)
    {
        String kind = JsonFields.string(object, "", "kind");
        if (kind == null || kind.isEmpty())
        {
            kind = inferredKind;
        }
        if (kind == null || kind.isEmpty())
        {
            throw new ObjectError("kind", "is required");
        }
        final String apiVersion = JsonFields.string(object, "", "apiVersion");
        if (SERVICE.equals(kind))
        {
            return matches(apiVersion, CORE_GROUP, "v1") ? ChurnEvent.Kind.SERVICE : null;
        }
        if (ENDPOINT_SLICE.equals(kind))
        {
            return matches(apiVersion, DISCOVERY_GROUP, "discovery.k8s.io/v1") ? ChurnEvent.Kind.ENDPOINT_SLICE : null;
        }
        return null;
    }

    /**
     * @return metadata.namespace; an object without one lives in {@code default}, the namespace the API server
     * assigns to a namespaced object created without one.
     */
    static String namespace(final JsonNode object)
    {
        final JsonNode metadata = JsonFields.object(object, "", "metadata");
        final String namespace = JsonFields.string(metadata, "metadata", "namespace");
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /**
     * @return metadata.name, which every object has.
     */
    static String name(final JsonNode object)
    {
        final JsonNode metadata = JsonFields.object(object, "", "metadata");
        final String name = JsonFields.string(metadata, "metadata", "name");
        if (name == null || name.isEmpty())
        {
            throw new ObjectError("metadata.name", "is required");
        }
        return name;
    }

    /**
     * @return true when the object has nothing but its identity (apiVersion, kind, metadata), as a deletion
     * notice may.
     */
    static boolean identityOnly(final JsonNode object)
    {
        final Iterator<String> fields = object.fieldNames();
        while (fields.hasNext())
        {
            final String field = fields.next();
            if (!"apiVersion".equals(field) && !"kind".equals(field) && !"metadata".equals(field) &&
                JsonFields.get(object, field) != null)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return {@code Service store/frontend} as far as the object allows; never throws.
     */
    static String describe(final JsonNode object, final String inferredKind)
    {
        final StringBuilder sb = new StringBuilder();
        final JsonNode kind = object.get("kind");
        sb.append(kind != null && kind.isTextual() && !kind.textValue().isEmpty() ? kind.textValue() :
            inferredKind != null ? inferredKind : "object");
        final JsonNode metadata = object.get("metadata");
        final JsonNode name = metadata == null ? null : metadata.get("name");
        if (name != null && name.isTextual())
        {
            final JsonNode namespace = metadata.get("namespace");
            sb.append(' ');
            if (namespace != null && namespace.isTextual() && !namespace.textValue().isEmpty())
            {
                sb.append(namespace.textValue()).append('/');
            }
            sb.append(name.textValue());
        }
        return sb.toString();
    }

    private static boolean matches(final String apiVersion, final String group, final String supported)
    {
        if (apiVersion == null || apiVersion.isEmpty() || apiVersion.equals(supported))
        {
            return true;
        }
        final int slash = apiVersion.indexOf('/');
        final String actualGroup = slash < 0 ? CORE_GROUP : apiVersion.substring(0, slash);
        if (actualGroup.equals(group))
        {
            throw new ObjectError("apiVersion", "'" + apiVersion + "' is not supported (only " + supported + ")");
        }
        return false;
    }
}
