/**
 * A connection table kept in a Chronicle Map file ({@link io.vipflow.conntrack.chronicle.ChronicleConnTable}), for
 * flows that several processes share while they run. Optional: it needs Chronicle Map on the class path, which
 * vipflow-core does not bring.
 */
package io.vipflow.conntrack.chronicle;
