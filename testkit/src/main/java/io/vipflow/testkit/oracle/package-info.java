/**
 * The reference model: a deliberately simple, single-threaded restatement of the Service semantics of
 * docs/SEMANTICS.md, sharing no code with the classifier's compiled tables. {@link io.vipflow.testkit.oracle.ReferenceModel}
 * says what must happen to each packet ({@link io.vipflow.testkit.oracle.Expectation}) and follows the choices the
 * checked proxy made; {@link io.vipflow.testkit.oracle.OracleRun} checks a run's decisions with one model per balancer.
 * <p>
 * {@code ReferenceModel} is a facade over package-private parts, one concern each: {@code ServiceTables} holds the
 * Service and EndpointSlice records and derives frontends, backend sets and backend incarnations from them;
 * {@code PacketRules} decides a client's packet, with {@code ClientOrigin} (where it comes from, masquerade),
 * {@code FlowEntryRules} (a flow that has a connection entry) and {@code SchedulerChoice} (which schedulers may find
 * no destination); {@code ReplyLookup} decides a backend's packet; {@code ConnectionRecords} holds the connection
 * entries and affinity records that a {@code PacketPlan} updates when an expectation is committed.
 */
package io.vipflow.testkit.oracle;
