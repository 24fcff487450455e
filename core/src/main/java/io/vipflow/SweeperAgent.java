package io.vipflow;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * Runs {@link Classifier#sweep} as an Agrona {@link Agent}: each duty cycle expires and purges at most
 * {@code slotsPerCycle} slots, so the sweeper never stops the world and its cost per cycle is bounded. Run it
 * with an {@link org.agrona.concurrent.AgentRunner} on its own thread, or call {@link #doWork} from a thread of
 * your own. {@link #doWork} reports no work, so the runner's idle strategy sets the pace: with a
 * {@code SleepingMillisIdleStrategy(1)} it sweeps {@code slotsPerCycle} slots per millisecond.
 * <p>
 * One sweeper per classifier. The clock must be the one the data plane passes to {@code classify}. Once the
 * classifier is closed, {@link #doWork} throws {@link AgentTerminationException}, which ends the agent's runner:
 * a sweeper stopped after its classifier neither touches the freed tables nor keeps reporting errors (Agrona's
 * runner hands that one exception to its error handler as it stops).
 * <p>
 * Thread contract: one thread runs the agent (its runner's).
 */
public final class SweeperAgent implements Agent
{
    private final Classifier classifier;
    private final NanoClock clock;
    private final int slotsPerCycle;
    private long passes;

    /**
     * A sweeper reading {@code clock}, the clock whose nanoseconds the data plane passes to {@code classify} (for
     * example {@code System::nanoTime}).
     *
     * @param classifier    the classifier to sweep
     * @param clock         the data plane's clock
     * @param slotsPerCycle slots visited per duty cycle (positive)
     */
    public SweeperAgent(final Classifier classifier, final NanoClock clock, final int slotsPerCycle)
    {
        if (slotsPerCycle < 1)
        {
            throw new IllegalArgumentException("slotsPerCycle must be positive: " + slotsPerCycle);
        }
        this.classifier = classifier;
        this.clock = clock;
        this.slotsPerCycle = slotsPerCycle;
    }

    /**
     * A sweeper on an epoch clock, for a classifier whose data plane passes epoch nanoseconds: what a table that
     * outlives its process ({@code ConnTable.mapped}) needs, since {@link System#nanoTime()} restarts with each
     * JVM. Agrona's {@link org.agrona.concurrent.SystemEpochNanoClock} is such a clock; the data plane reads the
     * same one.
     *
     * @param classifier    the classifier to sweep
     * @param clock         the data plane's epoch clock
     * @param slotsPerCycle slots visited per duty cycle (positive)
     * @return the sweeper
     */
    public static SweeperAgent onEpochClock(final Classifier classifier, final EpochNanoClock clock,
        final int slotsPerCycle)
    {
        return new SweeperAgent(classifier, clock::nanoTime, slotsPerCycle);
    }

    /**
     * Sweeps one step.
     *
     * @return always 0: the idle strategy between cycles paces the sweep
     * @throws AgentTerminationException when the classifier is closed
     */
    @Override
    public int doWork()
    {
        if (classifier.isClosed())
        {
            throw new AgentTerminationException("classifier closed");
        }
        try
        {
            if (classifier.sweep(clock.nanoTime(), slotsPerCycle))
            {
                passes++;
            }
        }
        catch (final IllegalStateException ex)
        {
            if (classifier.isClosed())
            {
                throw new AgentTerminationException(ex);
            }
            throw ex;
        }
        return 0;
    }

    /** {@return full passes over the table so far} */
    public long passes()
    {
        return passes;
    }

    @Override
    public String roleName()
    {
        return "vipflow-sweeper";
    }
}
