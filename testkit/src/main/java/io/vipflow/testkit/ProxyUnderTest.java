package io.vipflow.testkit;

/**
 * The adapter between a property test and the proxy it checks. {@link ProxyProperty} makes one per workload (from
 * the workload's {@link Cluster}: apply its Services and EndpointSlices before the first packet), hands it the
 * workload's changes and packets in time order, and closes it at the end.
 * <p>
 * Thread contract: called from one thread at a time.
 */
public interface ProxyUnderTest extends AutoCloseable
{
    /**
     * Applies one change to the proxy's Services and EndpointSlices before the next packet.
     *
     * @param change the watch event; {@link ChurnEvent#applyTo} applies it to a vipflow control plane.
     */
    void apply(ChurnEvent change);

    /**
     * Decides one client packet.
     *
     * @param packet the packet; {@link Packet#toTuple} and {@link Packet#toFrame} give it in vipflow's forms.
     * @return what the proxy did with it: {@link Outcome#forwardedTo} the backend it chose, or
     *         {@link Outcome#rejected()}, {@link Outcome#dropped()} or {@link Outcome#passed()} (the model tells these
     *         apart, as a client does); {@link Outcome#of} gives it for a vipflow {@code Decision}.
     */
    Outcome decide(Packet packet);

    /**
     * Releases the proxy's resources; by default nothing.
     */
    @Override
    default void close()
    {
    }
}
