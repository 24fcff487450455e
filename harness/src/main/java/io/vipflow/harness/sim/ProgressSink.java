package io.vipflow.harness.sim;

/**
 * Where a simulation reports how far it is: one sink per scheduler run.
 * <p>
 * Thread contract: called by the simulation's generator thread only.
 */
public interface ProgressSink extends AutoCloseable
{
    /** A sink that shows nothing. */
    ProgressSink NONE = new ProgressSink()
    {
        @Override
        public void advance(final long packets)
        {
        }

        @Override
        public void close()
        {
        }
    };

    /** {@code packets} more packets were generated. */
    void advance(long packets);

    /** The run is over. */
    @Override
    void close();

    /** Makes the sink of one run. */
    @FunctionalInterface
    interface Factory
    {
        /** No progress at all. */
        Factory NONE = (label, total) -> ProgressSink.NONE;

        /**
         * @param label what is running ("maglev").
         * @param total packets expected.
         */
        ProgressSink start(String label, long total);
    }
}
