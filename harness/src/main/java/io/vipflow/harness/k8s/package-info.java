/**
 * Kubernetes objects to the classifier's model: {@link io.vipflow.harness.k8s.KubeObjectReader} converts the
 * Services and EndpointSlices of a cluster dump (JSON or YAML) into {@link io.vipflow.harness.k8s.ClusterObjects},
 * and {@link io.vipflow.harness.k8s.ChurnReader} converts a JSON Lines file of timed watch events into
 * {@link io.vipflow.testkit.ChurnEvent}s. Both apply the API defaults and refuse what the API server would
 * refuse, reporting the file, position and field of the first problem in a
 * {@link io.vipflow.harness.k8s.KubeFormatException}. {@link io.vipflow.harness.k8s.KubeObjectConverter} converts one
 * object as a watch delivers it, by the same rules, and names what it refuses in an
 * {@link io.vipflow.harness.k8s.ObjectRejectedException}; the churn reader and the live watch both use it.
 */
package io.vipflow.harness.k8s;
