/**
 * What-if tools for schedulers: {@code vipflow schedule} prints a scheduler's picks in order for weighted backends,
 * and {@code vipflow maglev} measures a Maglev table's build time, balance and disruption when a backend goes.
 */
package io.vipflow.harness.sched;
