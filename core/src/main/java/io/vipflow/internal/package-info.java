/**
 * Parts of the classifier that are not API: the session-affinity table and the new-flow admission limiter. Public
 * only because the classifier in another package uses them; they may change or go in any release. Applications
 * use {@code io.vipflow.Classifier} and {@code io.vipflow.ClassifierConfig} instead.
 */
package io.vipflow.internal;
