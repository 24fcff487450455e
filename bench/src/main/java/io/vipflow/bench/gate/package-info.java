/**
 * The benchmark regression gate ({@code bench/gate.sh}): runs a fixed set of benchmarks, compares them with the
 * recorded baseline, fails on a slowdown beyond the noise or on allocation in a data-plane path, and in its quick
 * mode checks that every benchmark starts, runs and allocates nothing where it must not.
 */
package io.vipflow.bench.gate;
