/**
 * Synthetic clusters, churn and traffic, deterministic from a seed. {@link io.vipflow.harness.gen.ChurnGenerator}
 * plays the cluster's controllers over a {@link io.vipflow.harness.gen.ClusterShape} and a churn script and emits the
 * Service and EndpointSlice watch events the API server would send ({@link io.vipflow.testkit.ChurnEvent}, the
 * record a captured churn file is read into; {@link io.vipflow.harness.gen.KubeJson} writes them as the API serves
 * them). {@link io.vipflow.harness.gen.TrafficGenerator} makes client packets in time order.
 * Property tests of another proxy use vipflow-testkit's generators instead ({@link io.vipflow.testkit.Workloads}),
 * which make core's Service and EndpointSlice specs directly and shrink toward small cases.
 */
package io.vipflow.harness.gen;
