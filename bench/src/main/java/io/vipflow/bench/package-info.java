/**
 * The JMH benchmarks: classification from frame bytes against the same pipeline over heap maps and Chronicle Map,
 * the connection table alone, the frontend lookup, scheduler picks and table builds, control-plane publishes,
 * connection sync, and the machine's memory-latency floor; with the profiler that reports CPU time per operation
 * ({@code CpuTimeProfiler}). Every benchmark of a data-plane path must allocate nothing per operation.
 */
package io.vipflow.bench;
