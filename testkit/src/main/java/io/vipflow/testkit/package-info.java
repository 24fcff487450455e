/**
 * Property tests of a Kubernetes Service proxy against vipflow's reference model. {@link io.vipflow.testkit.Workloads}
 * generates clusters (core's {@code ServiceSpec} and {@code EndpointSliceSpec}), changes and client packets that
 * shrink toward small cases; {@link io.vipflow.testkit.ProxyProperty} plays them against a
 * {@link io.vipflow.testkit.ProxyUnderTest} and the model, and reports the first disagreement as a
 * {@link io.vipflow.testkit.Mismatch} of a few lines. {@link io.vipflow.testkit.ChurnEvent} is a timed watch event,
 * {@link io.vipflow.testkit.Frames} writes packets as Ethernet frames.
 */
package io.vipflow.testkit;
