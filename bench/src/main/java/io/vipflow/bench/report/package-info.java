/**
 * Turns JMH JSON results into the tables and charts of {@code bench/RESULTS.md}, and checks one run's figures
 * against the performance targets.
 */
package io.vipflow.bench.report;
