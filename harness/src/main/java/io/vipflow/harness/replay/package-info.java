/**
 * {@code vipflow replay}: a packet capture classified against Kubernetes objects and timed churn, each packet at its
 * capture time, with one decision per packet written as JSON Lines and a summary of what was decided.
 */
package io.vipflow.harness.replay;
