/**
 * Simulations: a {@link io.vipflow.harness.sim.Scenario} (read from YAML by
 * {@link io.vipflow.harness.sim.ScenarioReader}) is run under each of its schedulers by
 * {@link io.vipflow.harness.sim.Simulation} through the {@link io.vipflow.harness.sim.ParallelReplay} (a generator
 * thread, data-plane workers that check their own decisions against the reference model, a collector that merges by
 * packet index), optionally on a {@link io.vipflow.harness.sim.FleetPlan fleet} of balancers behind ECMP;
 * {@code vipflow simulate} and {@code vipflow demo} print and report the results.
 */
package io.vipflow.harness.sim;
