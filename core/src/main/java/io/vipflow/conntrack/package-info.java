/**
 * Connection tracking: {@link io.vipflow.conntrack.ConnTable}, the off-heap set-associative table of flows (in
 * direct memory or a memory-mapped file that outlives the process), with its layout ({@code ConnTableLayout}), the
 * packing of its words, per-state timeouts ({@link io.vipflow.conntrack.ConnTimeouts}) and the IPVS TCP state machine
 * ({@link io.vipflow.conntrack.ConnState}). The table is lock-free: any number of threads look up, create, update
 * and remove entries at once; a {@link io.vipflow.conntrack.ConnView} and a {@link io.vipflow.conntrack.FlowKey}
 * belong to one thread each.
 */
package io.vipflow.conntrack;
