package io.vipflow.harness.live;

/**
 * What a {@link LiveControlPlane} tells about its work. Both methods are called on the control-plane thread, one
 * call at a time, so an implementation needs no locking of its own unless it shares state with other threads; it
 * must return quickly, since changes wait while it runs.
 */
public interface WatchListener
{
    /**
     * A snapshot was published.
     */
    void onPublish(PublishReport report);

    /**
     * A change was refused; the object's previous version (or its absence) stays in force.
     *
     * @param message one line naming the object and the field, e.g. {@code MODIFIED Service store/web:
     *                spec.ports[0].port 70000 out of range 1..65535}.
     */
    void onRejected(String message);
}
