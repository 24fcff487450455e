/**
 * The reference model: a deliberately simple, single-threaded restatement of the Service semantics of
 * docs/SEMANTICS.md, sharing no code with the classifier's compiled tables. {@link io.vipflow.testkit.oracle.ReferenceModel}
 * says what must happen to each packet ({@link io.vipflow.testkit.oracle.Expectation}) and follows the choices the
 * checked proxy made; {@link io.vipflow.testkit.oracle.OracleRun} checks a run's decisions with one model per balancer.
 */
package io.vipflow.testkit.oracle;
