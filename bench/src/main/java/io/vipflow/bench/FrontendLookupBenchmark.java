package io.vipflow.bench;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.Frontend;
import io.vipflow.service.FrontendTable;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first step of every packet: finding the frontend (address, port, protocol) among {@code services} ClusterIP
 * Services, built and published through {@link ControlPlane} as a real cluster's would be, each with one TCP port.
 * {@code hit} looks up the frontends in a fixed random order; {@code miss} looks up addresses that belong to no
 * Service (traffic that passes through untouched), which must cost no more than a hit. IPv4 and IPv6 Services are
 * measured apart because the keys hash and compare differently. The publish time of the whole cluster is printed
 * at setup: it is the control-plane cost of a full resync.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FrontendLookupBenchmark
{
    private static final int ORDER = 1 << 16;
    private static final int PORT = 80;

    @Param({"100", "1000", "10000", "100000"})
    public int services;

    @Param({"ipv4", "ipv6"})
    public String family;

    private FrontendTable table;
    private boolean ipv6;
    private final long[] hitHi = new long[ORDER];
    private final long[] hitLo = new long[ORDER];
    private final long[] missHi = new long[ORDER];
    private final long[] missLo = new long[ORDER];
    private int next;

    @Setup
    public void setUp()
    {
        ipv6 = "ipv6".equals(family);
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), "maglev", 7);
        for (int i = 0; i < services; i++)
        {
            cp.upsertService(ServiceSpec.clusterIp("bench", "svc-" + i, address(i, false),
                new ServicePortSpec("http", PORT, Protocol.TCP, 0)));
        }
        final long start = System.nanoTime();
        table = cp.publish().frontends;
        System.out.printf("%n%,d %s Services published in %.1f ms%n", services, family,
            (System.nanoTime() - start) / 1e6);
        long x = 12345;
        for (int i = 0; i < ORDER; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            final int service = (int)Long.remainderUnsigned(x >>> 17, services);
            final long[] hit = Addresses.parse(address(service, false));
            final long[] miss = Addresses.parse(address(service, true));
            hitHi[i] = hit[0];
            hitLo[i] = hit[1];
            missHi[i] = miss[0];
            missLo[i] = miss[1];
            if (table.lookup(ipv6, hit[0], hit[1], PORT, PacketTuple.PROTO_TCP) == null ||
                table.lookup(ipv6, miss[0], miss[1], PORT, PacketTuple.PROTO_TCP) != null)
            {
                throw new IllegalStateException("frontend table disagrees with the Services at " + service);
            }
        }
    }

    /** Service {@code i}'s ClusterIP, or an address of the same shape outside every Service ({@code miss}). */
    private String address(final int i, final boolean miss)
    {
        if (ipv6)
        {
            return (miss ? "fd00:10:97::" : "fd00:10:96::") + Integer.toHexString(i >>> 16) + ":" +
                Integer.toHexString(i & 0xffff);
        }
        return "10." + ((miss ? 112 : 96) + (i >>> 16)) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
    }

    @Benchmark
    public Frontend hit()
    {
        final int i = next++ & (ORDER - 1);
        return table.lookup(ipv6, hitHi[i], hitLo[i], PORT, PacketTuple.PROTO_TCP);
    }

    @Benchmark
    public Frontend miss()
    {
        final int i = next++ & (ORDER - 1);
        return table.lookup(ipv6, missHi[i], missLo[i], PORT, PacketTuple.PROTO_TCP);
    }
}
