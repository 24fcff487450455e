package io.vipflow.harness.gen;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Client traffic in time order: flows arrive as a Poisson process, each picks a client and a Service by Zipf
 * popularity, and its packets follow the flag sequence of its {@link FlowKind}. Attacks add their own arrivals
 * while they last. Packets are produced one at a time into caller-owned holders; flow state objects are pooled,
 * so steady generation allocates nothing.
 * <p>
 * Deterministic: the same model, Services, seed, duration and packet limit give the same packets. Ties in time go
 * to the older flow.
 * <p>
 * Thread contract: confined to one thread.
 */
public final class TrafficGenerator
{
    /** Most clients a model may have (the IPv4 client range is 10.64.0.0/11). */
    public static final int MAX_CLIENTS = 2_000_000;
    /** Returned by {@link #peekNanos} when the traffic is over. */
    public static final long END = Long.MAX_VALUE;
    private static final int CLIENT_V4_BASE = 0x0a400000;
    private static final int FLOOD_V4_BASE = 0xc6120000;     // 198.18.0.0/15, the benchmarking range
    private static final int SCAN_V4_BASE = 0x64400000;      // 100.64.0.0/10
    private static final int[] SCAN_PORTS = {22, 23, 25, 443, 3306, 5432, 6379, 8080, 8443, 9200};
    private static final long MICRO = 1_000L;
    private static final long MILLI = 1_000_000L;

    private final TrafficModel model;
    private final SplittableRandom random;
    private final long endNanos;
    private final long maxPackets;
    private final List<Target> tcpTargets = new ArrayList<>();
    private final List<Target> udpTargets = new ArrayList<>();
    private final Zipf tcpZipf;
    private final Zipf udpZipf;
    private final Zipf clientZipf;
    private final double flowsPerNano;
    private final double mixHttp;
    private final double mixLong;
    private final long[] attackNext;
    private final Target[] attackTarget;
    private final int[] shortPorts;
    private final int[] longPorts;
    private final FlowHeap flows = new FlowHeap();
    private final ArrayDeque<TrafficFlow> pool = new ArrayDeque<>();
    private long nextArrival;
    private int nextFlowId;
    private long produced;

    /** One Service as a destination: its ClusterIPs and its first TCP and UDP ports (0 when none). */
    private record Target(String key, String name, long[] v4, long[] v6, int tcpPort, int udpPort)
    {
    }

    /**
     * @param model           the traffic.
     * @param services        every Service of the run in declaration order (popularity rank); those not present
     *                        at some moment still get traffic then, which the balancer passes.
     * @param seed            seed of every random choice.
     * @param durationSeconds no packet at or after this time.
     * @param maxPackets      stop after this many packets (Long.MAX_VALUE: no limit).
     */
    public TrafficGenerator(final TrafficModel model, final List<ServiceSpec> services, final long seed,
        final double durationSeconds, final long maxPackets)
    {
        this.model = model;
        this.random = new SplittableRandom(seed);
        this.endNanos = Math.round(durationSeconds * 1e9);
        this.maxPackets = maxPackets;
        for (final ServiceSpec s : services)
        {
            final Target t = target(s);
            if (t.tcpPort > 0)
            {
                tcpTargets.add(t);
            }
            if (t.udpPort > 0)
            {
                udpTargets.add(t);
            }
        }
        tcpZipf = tcpTargets.isEmpty() ? null : new Zipf(tcpTargets.size(), model.serviceZipf());
        udpZipf = udpTargets.isEmpty() ? null : new Zipf(udpTargets.size(), model.serviceZipf());
        clientZipf = new Zipf(model.clients(), model.clientZipf());
        final double http = tcpTargets.isEmpty() ? 0 : model.httpShare();
        final double lng = tcpTargets.isEmpty() ? 0 : model.longShare();
        final double dns = udpTargets.isEmpty() ? 0 : model.dnsShare();
        final double sum = http + lng + dns;
        mixHttp = sum == 0 ? 0 : http / sum;
        mixLong = sum == 0 ? 0 : (http + lng) / sum;
        final double perFlow = sum == 0 ? 1 : (http * httpPackets(model) +
            lng * longPackets(model, durationSeconds) + dns * (1 + model.dnsRetryShare())) / sum;
        flowsPerNano = sum == 0 ? 0 : model.packetsPerSecond() / perFlow / 1e9;
        nextArrival = flowsPerNano == 0 ? END : exponential(flowsPerNano);
        final List<TrafficModel.Attack> attacks = model.attacks();
        attackNext = new long[attacks.size()];
        attackTarget = new Target[attacks.size()];
        for (int i = 0; i < attacks.size(); i++)
        {
            attackTarget[i] = attacks.get(i).service() == null ? null : find(attacks.get(i).service());
            attackNext[i] = Math.round(attacks.get(i).fromSeconds() * 1e9);
        }
        shortPorts = new int[model.clients()];
        longPorts = new int[model.clients()];
    }

    /** Mean packets of a short connection under {@code model}. */
    static double httpPackets(final TrafficModel model)
    {
        return 3 + (model.httpMinData() + model.httpMaxData()) / 2.0 + 2 - model.httpRstShare();
    }

    /**
     * Mean packets of a long-lived connection, its lifetime cut by the end of a run of {@code duration} s: for a
     * lifetime X ~ Exp(mean m) starting at a uniform time in [0, D), E[min(X, D - t)] = m - m²/D · (1 - e^(-D/m)).
     */
    static double longPackets(final TrafficModel model, final double duration)
    {
        final double m = model.longMeanSeconds();
        final double lived = duration > 0 ? m - m * m / duration * (1 - Math.exp(-duration / m)) : m;
        return 4 + lived / model.longIntervalSeconds();
    }

    private Target target(final ServiceSpec s)
    {
        long[] v4 = null;
        long[] v6 = null;
        for (final String ip : s.clusterIps())
        {
            final long[] a = Addresses.parse(ip);
            if (a[2] == 4 && v4 == null)
            {
                v4 = a;
            }
            else if (a[2] == 6 && v6 == null)
            {
                v6 = a;
            }
        }
        int tcp = 0;
        int udp = 0;
        for (final ServicePortSpec p : s.ports())
        {
            if (p.protocol().number == PacketTuple.PROTO_TCP && tcp == 0)
            {
                tcp = p.port();
            }
            else if (p.protocol().number == PacketTuple.PROTO_UDP && udp == 0)
            {
                udp = p.port();
            }
        }
        final boolean reachable = v4 != null || v6 != null;
        return new Target(s.key(), s.name(), v4, v6, reachable ? tcp : 0, reachable ? udp : 0);
    }

    private Target find(final String service)
    {
        for (final Target t : tcpTargets)
        {
            if (t.key.equals(service) || t.name.equals(service))
            {
                return t;
            }
        }
        throw new IllegalArgumentException("attack target '" + service + "' is not a Service with a TCP port");
    }

    /** @return flows started so far. */
    public int flowsStarted()
    {
        return nextFlowId;
    }

    /** @return packets produced so far. */
    public long produced()
    {
        return produced;
    }

    /** @return the time of the next packet, nanoseconds, or {@link #END} when the traffic is over. */
    public long peekNanos()
    {
        if (produced >= maxPackets)
        {
            return END;
        }
        admitArrivals();
        final TrafficFlow head = flows.peek();
        return head == null || head.next >= endNanos ? END : head.next;
    }

    /**
     * Writes the next packet into {@code t} and {@code meta}.
     *
     * @return false when the traffic is over (nothing written).
     */
    public boolean next(final PacketTuple t, final PacketMeta meta)
    {
        if (peekNanos() == END)
        {
            return false;
        }
        final TrafficFlow f = flows.poll();
        produced++;
        meta.timeNanos = f.next;
        meta.flowId = f.id;
        meta.kind = f.kind;
        meta.first = f.step == 0;
        final int flags = FlowSteps.advance(f, this);
        t.set(f.protocol, f.ipv6, f.srcHi, f.srcLo, f.srcPort, f.dstHi, f.dstLo, f.dstPort, flags);
        meta.last = f.step < 0;
        if (f.step < 0)
        {
            pool.add(f);
        }
        else
        {
            flows.add(f);
        }
        return true;
    }

    /** Up to {@code limit} packets as values, for tests. */
    public List<TrafficPacket> take(final int limit)
    {
        final List<TrafficPacket> out = new ArrayList<>();
        final PacketTuple t = new PacketTuple();
        final PacketMeta m = new PacketMeta();
        while (out.size() < limit && next(t, m))
        {
            out.add(TrafficPacket.of(t, m));
        }
        return out;
    }

    /** Moves every arrival due before the earliest queued packet into the queue, so the head is the next packet. */
    private void admitArrivals()
    {
        while (true)
        {
            long due = nextArrival;
            int source = -1;
            for (int i = 0; i < attackNext.length; i++)
            {
                if (attackNext[i] < due)
                {
                    due = attackNext[i];
                    source = i;
                }
            }
            final TrafficFlow head = flows.peek();
            if (due >= endNanos || (head != null && head.next <= due))
            {
                return;
            }
            if (source < 0)
            {
                startFlow(due);
                nextArrival = due + exponential(flowsPerNano);
            }
            else
            {
                final TrafficModel.Attack a = model.attacks().get(source);
                startAttack(a, attackTarget[source], due);
                final long next = due + exponential(a.ratio() * model.packetsPerSecond() / 1e9);
                attackNext[source] = next < Math.round(a.toSeconds() * 1e9) ? next : END;
            }
        }
    }

    private TrafficFlow newFlow(final FlowKind kind, final long at)
    {
        final TrafficFlow f = pool.isEmpty() ? new TrafficFlow() : pool.poll();
        f.id = nextFlowId++;
        f.kind = kind;
        f.next = at;
        f.step = 0;
        f.dataLeft = 0;
        f.variant = false;
        f.endAt = 0;
        return f;
    }

    private void startFlow(final long at)
    {
        final double u = random.nextDouble();
        final FlowKind kind = u < mixHttp ? FlowKind.HTTP : u < mixLong ? FlowKind.LONG_LIVED : FlowKind.DNS;
        final boolean udp = kind == FlowKind.DNS;
        final Target target = udp ? udpTargets.get(udpZipf.sample(random)) : tcpTargets.get(tcpZipf.sample(random));
        final int client = clientZipf.sample(random);
        final TrafficFlow f = newFlow(kind, at);
        final boolean ipv6 = target.v4 == null || (target.v6 != null && random.nextDouble() < model.ipv6Share());
        f.protocol = udp ? PacketTuple.PROTO_UDP : PacketTuple.PROTO_TCP;
        f.ipv6 = ipv6;
        if (ipv6)
        {
            f.srcHi = 0xfd01_0000_0000_0000L;
            f.srcLo = client + 1;
        }
        else
        {
            f.srcHi = 0;
            f.srcLo = Addresses.ipv4Lo(CLIENT_V4_BASE + client + 1);
        }
        final long[] vip = ipv6 ? target.v6 : target.v4;
        f.dstHi = vip[0];
        f.dstLo = vip[1];
        f.dstPort = udp ? target.udpPort : target.tcpPort;
        // Long-lived connections take their ports from a range of their own, so a busy client's short connections
        // never reuse the socket of one still open.
        if (kind == FlowKind.LONG_LIVED)
        {
            longPorts[client] = longPorts[client] % (32_767 - 10_000) + 1;
            f.srcPort = 10_000 + longPorts[client];
            f.endAt = at + exponential(1.0 / (model.longMeanSeconds() * 1e9));
        }
        else
        {
            shortPorts[client] = shortPorts[client] % (60_999 - 32_768) + 1;
            f.srcPort = 32_768 + shortPorts[client];
        }
        // Each client sits at its own distance: 0.2 to 2 ms round trip.
        f.rtt = 200 * MICRO + (((client + 1) * 0x9E3779B97F4A7C15L) >>> 40) % (1_800 * MICRO);
        if (kind == FlowKind.HTTP)
        {
            f.dataLeft = model.httpMinData() + random.nextInt(model.httpMaxData() - model.httpMinData() + 1);
            f.variant = random.nextDouble() < model.httpRstShare();
        }
        else if (kind == FlowKind.DNS)
        {
            f.variant = random.nextDouble() < model.dnsRetryShare();
        }
        flows.add(f);
    }

    private void startAttack(final TrafficModel.Attack a, final Target fixed, final long at)
    {
        final boolean flood = a.kind() == TrafficModel.Attack.Kind.SYN_FLOOD;
        final TrafficFlow f = newFlow(flood ? FlowKind.SYN_FLOOD : FlowKind.SCAN, at);
        final Target target = fixed != null ? fixed : tcpTargets.get(random.nextInt(tcpTargets.size()));
        f.protocol = PacketTuple.PROTO_TCP;
        f.ipv6 = target.v4 == null;
        final long[] vip = f.ipv6 ? target.v6 : target.v4;
        f.dstHi = vip[0];
        f.dstLo = vip[1];
        f.rtt = MILLI;
        if (flood)
        {
            f.srcHi = f.ipv6 ? 0x2001_0db8_ffff_0000L : 0;
            f.srcLo = f.ipv6 ? random.nextLong() : Addresses.ipv4Lo(FLOOD_V4_BASE + random.nextInt(1 << 17));
            f.srcPort = 1_024 + random.nextInt(64_512);
            f.dstPort = target.tcpPort;
        }
        else
        {
            final int source = random.nextInt(a.sources());
            f.srcHi = f.ipv6 ? 0x2001_0db8_fffe_0000L : 0;
            f.srcLo = f.ipv6 ? source + 1 : Addresses.ipv4Lo(SCAN_V4_BASE + source + 1);
            f.srcPort = 40_000 + random.nextInt(20_000);
            final int pick = random.nextInt(SCAN_PORTS.length + 2);
            f.dstPort = pick < 2 ? target.tcpPort : SCAN_PORTS[pick - 2];
            f.variant = random.nextBoolean();
        }
        flows.add(f);
    }

    long exponential(final double perNano)
    {
        return 1 + (long)(-Math.log(1.0 - random.nextDouble()) / perNano);
    }

    SplittableRandom random()
    {
        return random;
    }

    TrafficModel model()
    {
        return model;
    }
}
