/**
 * Connection sync between the balancers of a fleet over Aeron: each balancer publishes the entries its packets
 * create, move to another TCP state or delete, its peers apply them to their own tables, and a balancer that joins
 * asks a peer for its table first. {@link io.vipflow.sync.SyncNode} is the entry point; docs/SYNC.md states what a
 * peer may see late or never.
 */
package io.vipflow.sync;
