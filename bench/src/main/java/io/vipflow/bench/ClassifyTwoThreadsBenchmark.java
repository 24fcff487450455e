package io.vipflow.bench;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link ClassifyBenchmark} with two threads sharing one pipeline (the machine has two cores), each with its own
 * lane, frames, clock, half of the established flows and new-flow clients: the same benchmarks, parameters and fork
 * flags, inherited; only the thread count differs. The score is per packet per thread: throughput is twice the packets per nanosecond of one
 * thread's score.
 */
@Threads(2)
public class ClassifyTwoThreadsBenchmark extends ClassifyBenchmark
{
}
