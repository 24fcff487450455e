package io.vipflow.bench;

import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import io.vipflow.service.Snapshot;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control plane at cluster scale, through the public API: {@code cluster} is Services x endpoints per Service
 * (ClusterIP, one TCP port, one EndpointSlice per Service, the default scheduler {@code scheduler}), plus one
 * Maglev Service of 1,000 endpoints in ten slices that rolls.
 * <ul>
 * <li>{@code fullPublish}: the first publish of the whole cluster (one shot per iteration, on a fresh control
 * plane).</li>
 * <li>{@code oneSliceChange}: one endpoint of one Service (a different Service each time) gets a new address,
 * then publish. Sampled, so the output gives the median and p99.</li>
 * <li>{@code rolloutStep}: one endpoint of the 1,000-endpoint Maglev Service is replaced (each in turn, as a
 * rollout does), then publish.</li>
 * <li>{@code retainedHeap}: the heap the compiled state retains, reported as the secondary results
 * {@code bytesPerService} and {@code bytesPerEndpoint} (used heap after a full GC once the cluster is published,
 * less the same just before, with the Service and slice objects already held); its primary score includes that
 * GC and means nothing.</li>
 * </ul>
 * Each operation is slow and allocates, so the big clusters run a few iterations only. The fork's heap is committed
 * and touched before the run ({@code -Xms} equal to {@code -Xmx}, {@code -XX:+AlwaysPreTouch}), as a long-running
 * control plane's is: on a heap that grows, each step's allocation runs into memory the process has not touched yet,
 * and the kernel's first-touch page faults then double a rollout step for stretches of hundreds of steps.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx6g", "-Xms6g",
    "-XX:+AlwaysPreTouch"})
public class ControlPlaneBenchmark
{
    private static final int ROLLING_ENDPOINTS = 1_000;
    private static final int ROLLING_SLICES = 10;

    /** Services x endpoints per Service. */
    @Param({"1000x10", "10000x10", "100000x10", "1000x1000"})
    public String cluster;

    /** The default scheduler, for every Service but the rolling one (always Maglev). */
    @Param({"maglev"})
    public String scheduler;

    private int services;
    private int endpoints;
    private ControlPlane published;
    private int nextService;
    private int nextAddress;
    private final String[][] rolling = new String[ROLLING_SLICES][ROLLING_ENDPOINTS / ROLLING_SLICES];
    private int nextRolling;

    @Setup(Level.Trial)
    public void setUpTrial()
    {
        final String[] parts = cluster.split("x");
        services = Integer.parseInt(parts[0]);
        endpoints = Integer.parseInt(parts[1]);
        published = load();
        final long start = System.nanoTime();
        published.publish();
        System.out.printf("%n%s first publish %.1f ms%n", cluster, (System.nanoTime() - start) / 1e6);
    }

    /**
     * A fresh control plane holding the whole cluster, not yet published, for {@code fullPublish} and
     * {@code retainedHeap}; made before each iteration, with the heap in use before and after it.
     */
    @State(Scope.Benchmark)
    public static class Fresh
    {
        ControlPlane unpublished;
        long heapBefore;
        long specBytes;

        @Setup(Level.Iteration)
        public void setUp(final ControlPlaneBenchmark b)
        {
            unpublished = null;
            System.gc();
            final long empty = usedHeap();
            unpublished = b.load();
            System.gc();
            heapBefore = usedHeap();
            specBytes = heapBefore - empty;
        }
    }

    private ControlPlane load()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), scheduler, 7);
        final List<EndpointPortSpec> ports = List.of(new EndpointPortSpec("http", 8080, Protocol.TCP));
        for (int s = 0; s < services; s++)
        {
            cp.upsertService(ServiceSpec.clusterIp("bench", "svc-" + s, ipv4(0x0A600000 + s),
                new ServicePortSpec("http", 80, Protocol.TCP, 0)));
            final List<EndpointSpec> eps = new ArrayList<>(endpoints);
            for (int e = 0; e < endpoints; e++)
            {
                eps.add(EndpointSpec.ready(ipv4(0x0B000000 + s * endpoints + e), "node-" + (e % 8)));
            }
            cp.upsertSlice(new EndpointSliceSpec("bench", "svc-" + s + "-1", "svc-" + s, false, ports, eps));
        }
        cp.upsertService(ServiceSpec.clusterIp("bench", "rolling", "10.95.0.1",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)).withScheduler("maglev"));
        for (int sl = 0; sl < ROLLING_SLICES; sl++)
        {
            for (int e = 0; e < rolling[sl].length; e++)
            {
                rolling[sl][e] = ipv4(0x0C000000 + sl * rolling[sl].length + e);
            }
            cp.upsertSlice(rollingSlice(sl));
        }
        return cp;
    }

    private EndpointSliceSpec rollingSlice(final int slice)
    {
        final List<EndpointSpec> eps = new ArrayList<>(rolling[slice].length);
        for (final String a : rolling[slice])
        {
            eps.add(EndpointSpec.ready(a, "node-1"));
        }
        return new EndpointSliceSpec("bench", "rolling-" + slice, "rolling", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), eps);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public Snapshot fullPublish(final Fresh fresh)
    {
        return fresh.unpublished.publish();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    public Snapshot oneSliceChange()
    {
        final int s = nextService;
        nextService = (s + 1) % services;
        final List<EndpointSpec> eps = new ArrayList<>(endpoints);
        eps.add(EndpointSpec.ready(ipv4(0x0D000000 + (nextAddress++ & 0xFFFFFF)), "node-0"));
        for (int e = 1; e < endpoints; e++)
        {
            eps.add(EndpointSpec.ready(ipv4(0x0B000000 + s * endpoints + e), "node-" + (e % 8)));
        }
        published.upsertSlice(new EndpointSliceSpec("bench", "svc-" + s + "-1", "svc-" + s, false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), eps));
        return published.publish();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    public Snapshot rolloutStep()
    {
        final int r = nextRolling;
        nextRolling = (r + 1) % ROLLING_ENDPOINTS;
        final int perSlice = ROLLING_ENDPOINTS / ROLLING_SLICES;
        rolling[r / perSlice][r % perSlice] = ipv4(0x0E000000 + (nextAddress++ & 0xFFFFFF));
        published.upsertSlice(rollingSlice(r / perSlice));
        return published.publish();
    }

    /** Heap retained by the compiled state, as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Retained
    {
        public long bytesPerService;
        public long bytesPerEndpoint;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Snapshot retainedHeap(final Fresh fresh, final Retained retained)
    {
        final Snapshot s = fresh.unpublished.publish();
        System.gc();
        final long compiled = usedHeap() - fresh.heapBefore;
        retained.bytesPerService = compiled / (services + 1);
        retained.bytesPerEndpoint = compiled / ((long)services * endpoints + ROLLING_ENDPOINTS);
        System.out.printf("%n%s: compiled state %,d bytes, Service and slice objects %,d bytes%n", cluster,
            compiled, fresh.specBytes);
        return s;
    }

    private static long usedHeap()
    {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String ipv4(final int a)
    {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }
}
