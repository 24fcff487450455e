/**
 * Parts of the classifier that are not API: the session-affinity table, the new-flow admission limiter and the flow
 * hash shared by the connection table and the schedulers. Public only because classes in other packages use them;
 * they may change or go in any release, and the javadoc leaves them out. Applications use
 * {@code io.vipflow.Classifier} and {@code io.vipflow.ClassifierConfig} instead.
 */
package io.vipflow.internal;
