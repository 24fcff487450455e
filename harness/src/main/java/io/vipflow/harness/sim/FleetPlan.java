package io.vipflow.harness.sim;

/**
 * A fleet of balancer instances behind ECMP, and one change of its size during the run.
 * <p>
 * Thread contract: immutable.
 *
 * @param instances instances at the start, ≥ 1.
 * @param change    +1 adds an instance, -1 removes one, 0 changes nothing.
 * @param atSeconds when the change happens, seconds.
 */
public record FleetPlan(int instances, int change, double atSeconds)
{
    /** Most instances a fleet may start with: each holds its own connection table and control plane. */
    public static final int MAX_INSTANCES = 64;

    public FleetPlan
    {
        if (instances < 1 || instances > MAX_INSTANCES || change < -1 || change > 1 || (change == -1 && instances < 2) || !(atSeconds >= 0))
        {
            throw new IllegalArgumentException("fleet needs 1 to " + MAX_INSTANCES + " instances (≥ 2 to remove " +
                "one), a change of -1, 0 or +1 and a time ≥ 0");
        }
    }

    /** One instance, no change: a single balancer. */
    public static FleetPlan single()
    {
        return new FleetPlan(1, 0, 0);
    }

    public boolean isFleet()
    {
        return instances > 1 || change != 0;
    }

    public String describe()
    {
        final String base = instances + " balancer instance" + (instances == 1 ? "" : "s") + " behind ECMP";
        if (change == 0)
        {
            return base;
        }
        return base + "; one " + (change > 0 ? "added" : "removed") + " at " + seconds(atSeconds);
    }

    static String seconds(final double s)
    {
        return s == Math.rint(s) ? (long)s + " s" : s + " s";
    }
}
