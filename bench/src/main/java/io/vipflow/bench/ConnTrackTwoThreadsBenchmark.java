package io.vipflow.bench;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link ConnTrackBenchmark} with two threads sharing one table (the machine has two cores): the same
 * benchmarks, parameters and fork flags, inherited; only the thread count differs.
 */
@Threads(2)
public class ConnTrackTwoThreadsBenchmark extends ConnTrackBenchmark
{
}
