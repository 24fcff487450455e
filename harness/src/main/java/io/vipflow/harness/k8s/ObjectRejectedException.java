package io.vipflow.harness.k8s;

/**
 * A Service or EndpointSlice that breaks a rule of the Kubernetes API (or of vipflow's model) and was therefore not
 * applied. The message is one line naming the object and the field: {@code Service store/web: spec.ports[0].port
 * 70000 out of range 1..65535}. Whoever applies objects one by one (a churn file, a live watch) reports it and
 * keeps the state it had, so the last valid version of the object stays in force.
 * <p>
 * Thread contract: immutable once thrown.
 */
public final class ObjectRejectedException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String object;
    private final String path;

    /**
     * @param object  {@code Service store/web} as far as the object allows.
     * @param path    field path inside the object, "" for the object itself.
     * @param message the whole one-line message.
     */
    ObjectRejectedException(final String object, final String path, final String message)
    {
        super(message, null, false, false);
        this.object = object;
        this.path = path;
    }

    /**
     * @return the object named as in messages, {@code Service store/web}.
     */
    public String object()
    {
        return object;
    }

    /**
     * @return the offending field's path inside the object ({@code spec.ports[1].name}), "" for the object itself.
     */
    public String path()
    {
        return path;
    }
}
