/**
 * Reports of a simulated run: what each scheduler did with one scenario, shown as a terminal summary and as one
 * self-contained HTML file, and {@code vipflow report}, which renders a saved run again.
 */
package io.vipflow.harness.report;
