/**
 * {@code vipflow soak}: one balancer run for a bounded time under continuous churn, a SYN flood and a scan, every
 * decision checked against the reference model, its counters checked against the connection table, and its heap
 * and off-heap memory checked for growth.
 */
package io.vipflow.harness.soak;
