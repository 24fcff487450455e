/**
 * A small, fully defined replay case that the project writes itself: a client capture (classic pcap and pcapng of
 * the same packets), the Services and EndpointSlices at its start and the churn during it.
 * {@link io.vipflow.harness.sample.ReplaySample} defines it, {@link io.vipflow.testkit.Frames} builds
 * the frames, {@link io.vipflow.harness.sample.CaptureWriter} writes the capture files and
 * {@link io.vipflow.harness.sample.SampleCommand} ({@code vipflow sample}) puts the four files in a folder.
 */
package io.vipflow.harness.sample;
