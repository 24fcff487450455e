package io.vipflow.harness.sim;

import io.vipflow.Classifier;
import io.vipflow.Decision;
import io.vipflow.packet.PacketTuple;

/**
 * How a worker classifies one packet. The simulation uses {@link #DIRECT}; tests substitute a faulty step to check
 * that the oracle notices.
 * <p>
 * Thread contract: called by every worker thread at once; implementations must be thread-safe.
 */
@FunctionalInterface
public interface ClassifyStep
{
    /** {@link Classifier#classify} as is. */
    ClassifyStep DIRECT = Classifier::classify;

    void classify(Classifier classifier, PacketTuple tuple, long nowNanos, Decision decision);
}
