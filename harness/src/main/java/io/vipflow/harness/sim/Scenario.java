package io.vipflow.harness.sim;

import io.vipflow.harness.gen.ChurnAction;
import io.vipflow.harness.gen.ClusterShape;
import io.vipflow.harness.gen.TrafficModel;
import io.vipflow.sched.Schedulers;

import java.util.List;
import java.util.Objects;

/**
 * Everything a simulation needs: the cluster, what happens to it, the traffic, the schedulers to compare, the seed
 * and the length. Read from YAML by {@link ScenarioReader}.
 * <p>
 * Thread contract: immutable.
 *
 * @param name            short name, used in reports.
 * @param description     one sentence for a person.
 * @param seed            seed of the cluster, churn and traffic generators.
 * @param durationSeconds simulated length, seconds, > 0.
 * @param cluster         the cluster at the start.
 * @param churn           the churn script.
 * @param traffic         the client traffic.
 * @param schedulers      schedulers to compare, at least one.
 * @param fleet           the balancer fleet.
 */
public record Scenario(String name, String description, long seed, double durationSeconds, ClusterShape cluster,
    List<ChurnAction> churn, TrafficModel traffic, List<String> schedulers, FleetPlan fleet)
{
    public Scenario
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(fleet, "fleet");
        churn = List.copyOf(churn);
        schedulers = List.copyOf(schedulers);
        if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds))
        {
            throw new IllegalArgumentException("duration must be a positive number of seconds");
        }
        if (schedulers.isEmpty())
        {
            throw new IllegalArgumentException("at least one scheduler is needed");
        }
        if (new java.util.HashSet<>(schedulers).size() < schedulers.size())
        {
            throw new IllegalArgumentException("schedulers " + schedulers + " name one twice");
        }
        for (final String s : schedulers)
        {
            if (!Schedulers.NAMES.contains(s))
            {
                throw new IllegalArgumentException("unknown scheduler '" + s + "' (one of " + Schedulers.NAMES + ")");
            }
        }
    }

    public Scenario withSeed(final long newSeed)
    {
        return new Scenario(name, description, newSeed, durationSeconds, cluster, churn, traffic, schedulers, fleet);
    }

    public Scenario withSchedulers(final List<String> names)
    {
        return new Scenario(name, description, seed, durationSeconds, cluster, churn, traffic, names, fleet);
    }

    public Scenario withFleet(final FleetPlan plan)
    {
        return new Scenario(name, description, seed, durationSeconds, cluster, churn, traffic, schedulers, plan);
    }

    public Scenario withTraffic(final TrafficModel model)
    {
        return new Scenario(name, description, seed, durationSeconds, cluster, churn, model, schedulers, fleet);
    }

    /** Packets the traffic model makes over the whole run, attacks included (an estimate). */
    public double expectedPackets()
    {
        return traffic.packetsPerSecond() * (durationSeconds + attackSeconds());
    }

    /** Attack time weighted by intensity: seconds of normal-traffic-equivalent packets the attacks add. */
    double attackSeconds()
    {
        double extra = 0;
        for (final TrafficModel.Attack a : traffic.attacks())
        {
            extra += a.ratio() * Math.max(0, Math.min(a.toSeconds(), durationSeconds) - a.fromSeconds());
        }
        return extra;
    }

    /**
     * This scenario with its normal traffic rate scaled so the run makes about {@code packets} packets (the
     * shape of the traffic over time stays the same).
     */
    public Scenario scaledTo(final long packets)
    {
        // A little over, so the run reaches the count before the end rather than just short of it.
        final double pps = packets * 1.03 / (durationSeconds + attackSeconds());
        return withTraffic(traffic.withPacketsPerSecond(pps));
    }
}
