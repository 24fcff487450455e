package io.vipflow.harness.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.testkit.ChurnEvent;

/**
 * Converts one Service or EndpointSlice, as a watch delivers it, into a {@link ChurnEvent}. Churn files and the
 * live watch both go through here, so an object is accepted or refused by the same rules whichever way it came.
 * <p>
 * Thread contract: stateless; safe to call from any thread.
 */
public final class KubeObjectConverter
{
    private KubeObjectConverter()
    {
    }

    /**
     * @param atSeconds time of the event for the returned {@link ChurnEvent}, ≥ 0.
     * @param type      ADDED, MODIFIED or DELETED.
     * @param object    the object tree as the API server serves it.
     * @return the event, or null for an object vipflow does not follow (another kind, an FQDN slice).
     * @throws ObjectRejectedException naming the object and the field when it breaks a rule.
     */
    public static ChurnEvent convert(final double atSeconds, final ChurnEvent.Type type, final JsonNode object)
        throws ObjectRejectedException
    {
        try
        {
            return event(atSeconds, type, object);
        }
        catch (final ObjectError ex)
        {
            final String described = KubeObjects.describe(object, null);
            throw new ObjectRejectedException(described, ex.path(), described + ": " + ex.getMessage());
        }
    }

    /**
     * @throws ObjectError naming the field path inside the object.
     */
    static ChurnEvent event(final double atSeconds, final ChurnEvent.Type type, final JsonNode object)
    {
        final ChurnEvent.Kind kind = KubeObjects.classify(object, null);
        if (kind == null)
        {
            return null;
        }
        if (type == ChurnEvent.Type.DELETED && KubeObjects.identityOnly(object))
        {
            return ChurnEvent.deleted(atSeconds, kind, KubeObjects.namespace(object), KubeObjects.name(object));
        }
        if (type == ChurnEvent.Type.DELETED)
        {
            // A deletion needs only the identity: a final state that breaks a rule must not keep the object alive.
            try
            {
                return convertBody(atSeconds, type, kind, object);
            }
            catch (final ObjectError ex)
            {
                return ChurnEvent.deleted(atSeconds, kind, KubeObjects.namespace(object), KubeObjects.name(object));
            }
        }
        return convertBody(atSeconds, type, kind, object);
    }

    private static ChurnEvent convertBody(
        final double atSeconds, final ChurnEvent.Type type, final ChurnEvent.Kind kind, final JsonNode object)
    {
        if (kind == ChurnEvent.Kind.SERVICE)
        {
            return ChurnEvent.of(atSeconds, type, ServiceConverter.convert(object));
        }
        // Null for an FQDN slice, which is not followed.
        final EndpointSliceSpec slice = SliceConverter.convert(object);
        return slice == null ? null : ChurnEvent.of(atSeconds, type, slice);
    }
}
