package io.vipflow.bench;

import io.vipflow.bench.baseline.Pipeline;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.PacketTuple;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The instruction cost of classification: one resident established flow whose ACK is classified again and again
 * from the same frame bytes, so that every line the packet touches (frame, frontend, table entry, backend) stays in
 * the first-level cache and the figure is what the pipeline's instructions cost from frame bytes to verdict. Same
 * pipelines, cluster and clock step as {@link ClassifyBenchmark}; the table holds one flow.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true"})
public class ClassifyInCacheBenchmark
{
    private static final int CLIENT = 0x0b00_0001;
    private static final int CLIENT_PORT = 40000;

    @Param({Pipeline.VIPFLOW, Pipeline.CHRONICLE, Pipeline.CONCURRENT_HASH_MAP, Pipeline.NON_BLOCKING_HASH_MAP_LONG})
    public String impl;

    private Pipeline pipeline;
    private Pipeline.Lane lane;
    private UnsafeBuffer frame;
    private long now = ClassifyBenchmark.START_NANOS;

    @Setup(Level.Trial)
    public void setUp()
    {
        pipeline = Pipeline.create(impl, BenchCluster.build("maglev", 100), ConnTimeouts.ipvsDefaults(),
            ConnTrackFlows.capacity(1));
        lane = pipeline.lane();
        frame = new UnsafeBuffer(new byte[ClassifyBenchmark.FRAME_BYTES]);
        Frames.tcpIpv4(frame, 0, CLIENT, CLIENT_PORT, BenchCluster.TCP_VIP, 80, PacketTuple.TCP_SYN);
        if (lane.classifyFrame(frame, 0, ClassifyBenchmark.FRAME_BYTES, now) < 0 || !lane.created())
        {
            throw new IllegalStateException(impl + " refused the resident flow");
        }
        Frames.tcpIpv4(frame, 0, CLIENT, CLIENT_PORT, BenchCluster.TCP_VIP, 80, PacketTuple.TCP_ACK);
        if (lane.classifyFrame(frame, 0, ClassifyBenchmark.FRAME_BYTES, now) < 0 || lane.created())
        {
            throw new IllegalStateException(impl + ": the ACK missed its flow");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
    }

    /** An ACK of the one resident flow; it restarts the flow's timer as every established packet does. */
    @Benchmark
    public int established()
    {
        return lane.classifyFrame(frame, 0, ClassifyBenchmark.FRAME_BYTES, now += ClassifyBenchmark.STEP_NANOS);
    }
}
