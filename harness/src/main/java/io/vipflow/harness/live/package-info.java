/**
 * Following a live cluster: informers on the API server's Services and EndpointSlices, one control-plane thread
 * that applies their changes and publishes coalesced snapshots, and the {@code vipflow watch} command.
 */
package io.vipflow.harness.live;
