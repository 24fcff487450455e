/**
 * {@code vipflow demo}: a rolling update of a 50-replica Service under client traffic, run under several schedulers,
 * every decision checked against the reference model; prints the comparison and writes an HTML report.
 */
package io.vipflow.harness.demo;
