/**
 * Service state: Kubernetes Services and EndpointSlices as the classifier needs them ({@link
 * io.vipflow.service.ServiceSpec}, {@link io.vipflow.service.EndpointSliceSpec}), the node's network
 * ({@link io.vipflow.service.NodeNetwork}), and {@link io.vipflow.service.ControlPlane}, which compiles them into
 * immutable {@link io.vipflow.service.Snapshot}s: frontends by address, port and protocol, each Service port's
 * backends and the sets that may take new flows under its traffic policies, with their schedulers.
 * <p>
 * Threads: one control-plane thread changes state and publishes; a publish costs in proportion to the Services that
 * changed, and every data-plane thread reads the current snapshot with one volatile load and never sees a half-made
 * one.
 */
package io.vipflow.service;
