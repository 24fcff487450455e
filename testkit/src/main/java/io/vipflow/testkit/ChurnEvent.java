package io.vipflow.testkit;

import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.ServiceSpec;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One timed change of a Service or an EndpointSlice, as a watch reports it. The identity ({@code kind},
 * {@code namespace}, {@code name}) is always present; exactly one of {@code service} and {@code slice} holds the
 * converted object, except for a {@link Type#DELETED} event whose object carried nothing but its metadata, where
 * both are null (a deletion needs only the identity).
 * <p>
 * Thread contract: immutable.
 *
 * @param atSeconds seconds after the start of the trace, ≥ 0.
 * @param type      ADDED, MODIFIED or DELETED.
 * @param kind      Service or EndpointSlice.
 * @param namespace metadata.namespace of the object.
 * @param name      metadata.name of the object.
 * @param service   the Service for {@link Kind#SERVICE}, null otherwise or for an identity-only deletion.
 * @param slice     the EndpointSlice for {@link Kind#ENDPOINT_SLICE}, null otherwise or for an identity-only
 *                  deletion.
 */
public record ChurnEvent(
    double atSeconds,
    Type type,
    Kind kind,
    String namespace,
    String name,
    ServiceSpec service,
    EndpointSliceSpec slice)
{
    /** Largest time whose nanosecond count fits in a long (about 292 years). */
    public static final double MAX_AT_SECONDS = Long.MAX_VALUE / 1e9;

    /** Watch event types ({@code watch.EventType}); bookmarks and errors are not changes. */
    public enum Type
    {
        /** The object was created. */
        ADDED,
        /** The object was changed. */
        MODIFIED,
        /** The object was deleted. */
        DELETED
    }

    /** The kinds of object an event can carry. */
    public enum Kind
    {
        /** A Service. */
        SERVICE,
        /** An EndpointSlice. */
        ENDPOINT_SLICE
    }

    /**
     * Checks the fields.
     *
     * @param atSeconds as {@link #atSeconds()}.
     * @param type as {@link #type()}.
     * @param kind as {@link #kind()}.
     * @param namespace as {@link #namespace()}.
     * @param name as {@link #name()}.
     * @param service as {@link #service()}.
     * @param slice as {@link #slice()}.
     */
    public ChurnEvent
    {
        if (!(atSeconds >= 0 && atSeconds <= MAX_AT_SECONDS))
        {
            throw new IllegalArgumentException("at " + atSeconds + " out of range 0.." + MAX_AT_SECONDS);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (kind == Kind.SERVICE ? slice != null : service != null)
        {
            throw new IllegalArgumentException(kind + " event carries the wrong kind of object");
        }
        final boolean hasObject = service != null || slice != null;
        if (!hasObject && type != Type.DELETED)
        {
            throw new IllegalArgumentException(type + " event without an object");
        }
        if (hasObject)
        {
            final String objectNamespace = service != null ? service.namespace() : slice.namespace();
            final String objectName = service != null ? service.name() : slice.name();
            if (!namespace.equals(objectNamespace) || !name.equals(objectName))
            {
                throw new IllegalArgumentException("event for " + namespace + "/" + name + " carries " +
                    objectNamespace + "/" + objectName);
            }
        }
    }

    /**
     * @param atSeconds seconds after the start.
     * @param type      ADDED, MODIFIED or DELETED.
     * @param service   the Service.
     * @return an event carrying a Service.
     */
    public static ChurnEvent of(final double atSeconds, final Type type, final ServiceSpec service)
    {
        return new ChurnEvent(atSeconds, type, Kind.SERVICE, service.namespace(), service.name(), service, null);
    }

    /**
     * @param atSeconds seconds after the start.
     * @param type      ADDED, MODIFIED or DELETED.
     * @param slice     the EndpointSlice.
     * @return an event carrying an EndpointSlice.
     */
    public static ChurnEvent of(final double atSeconds, final Type type, final EndpointSliceSpec slice)
    {
        return new ChurnEvent(atSeconds, type, Kind.ENDPOINT_SLICE, slice.namespace(), slice.name(), null, slice);
    }

    /**
     * @param atSeconds seconds after the start.
     * @param kind      Service or EndpointSlice.
     * @param namespace the object's namespace.
     * @param name      the object's name.
     * @return a deletion known only by the object's identity.
     */
    public static ChurnEvent deleted(final double atSeconds, final Kind kind, final String namespace, final String name)
    {
        return new ChurnEvent(atSeconds, Type.DELETED, kind, namespace, name, null, null);
    }

    /**
     * @return {@link #atSeconds()} in nanoseconds, rounded to the nearest.
     */
    public long atNanos()
    {
        return Math.round(atSeconds * 1e9);
    }

    /**
     * @return "namespace/name" of the object.
     */
    public String key()
    {
        return namespace + "/" + name;
    }

    /**
     * Applies this change to a control plane: ADDED and MODIFIED upsert, DELETED removes (publishing is the
     * caller's).
     *
     * @param cp the control plane, on its writer thread.
     */
    public void applyTo(final ControlPlane cp)
    {
        dispatch(cp::upsertService, cp::deleteService, cp::upsertSlice, cp::deleteSlice);
    }

    /**
     * Hands this change to whichever of the four operations it is: ADDED and MODIFIED upsert the object carried,
     * DELETED removes by namespace and name; a non-deletion without an object of its kind does nothing.
     *
     * @param upsertService receives a Service added or modified.
     * @param deleteService receives the namespace and name of a Service deleted.
     * @param upsertSlice   receives an EndpointSlice added or modified.
     * @param deleteSlice   receives the namespace and name of an EndpointSlice deleted.
     */
    public void dispatch(final Consumer<ServiceSpec> upsertService, final BiConsumer<String, String> deleteService,
        final Consumer<EndpointSliceSpec> upsertSlice, final BiConsumer<String, String> deleteSlice)
    {
        final boolean isService = kind == Kind.SERVICE;
        if (type == Type.DELETED)
        {
            (isService ? deleteService : deleteSlice).accept(namespace, name);
        }
        else if (isService && service != null)
        {
            upsertService.accept(service);
        }
        else if (!isService && slice != null)
        {
            upsertSlice.accept(slice);
        }
    }
}
