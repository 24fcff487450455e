/**
 * The pipelines vipflow is compared with: the same parser, frontend table and schedulers over a
 * {@code ConcurrentHashMap}, a JCTools {@code NonBlockingHashMapLong} or a Chronicle Map flow table, and vipflow's own
 * {@code Classifier} behind the same interface.
 */
package io.vipflow.bench.baseline;
