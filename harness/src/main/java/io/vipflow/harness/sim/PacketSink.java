package io.vipflow.harness.sim;

/**
 * Receives classified packets in packet order (by {@link Slot#index}), whatever worker classified them.
 * <p>
 * Thread contract: called by the replay's collector thread only, never concurrently.
 */
@FunctionalInterface
public interface PacketSink
{
    /** The slot is valid during the call only: it is reused afterwards. */
    void accept(Slot slot);
}
