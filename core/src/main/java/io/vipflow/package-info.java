/**
 * The data plane: {@link io.vipflow.Classifier} decides what happens to each packet addressed to a Service (the
 * frontend it hit, the connection it belongs to, and for a new flow the endpoint that gets it) and to the replies of
 * its flows, with no locks and no allocation per packet. Around it: its settings ({@link io.vipflow.ClassifierConfig}),
 * its result ({@link io.vipflow.Decision}, {@link io.vipflow.Verdict}, {@link io.vipflow.Reason}), batches of frames
 * ({@link io.vipflow.FrameBatch}), its counters ({@link io.vipflow.ClassifierStats}), the policies for packets without
 * an entry and for flows of removed endpoints, the incremental sweeper ({@link io.vipflow.SweeperAgent}) and the hooks
 * that connection sync uses.
 * <p>
 * Threads: any number of data-plane threads classify at once, each with its own {@code Decision} or
 * {@code FrameBatch}; Service state comes from a {@code ControlPlane} whose one writer publishes snapshots. Each class
 * states its own contract.
 */
package io.vipflow;
