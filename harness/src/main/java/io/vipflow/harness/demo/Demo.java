package io.vipflow.harness.demo;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import io.vipflow.service.EndpointPortSpec;
import io.vipflow.service.EndpointSliceSpec;
import io.vipflow.service.EndpointSpec;
import io.vipflow.service.Protocol;
import io.vipflow.service.ServicePortSpec;
import io.vipflow.service.ServiceSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The built-in scenario: a 6-replica web Service and a DNS Service on a small cluster, steady client traffic
 * (short HTTP-like connections, long-lived connections, DNS queries), and a rolling update that replaces every
 * web pod one by one (new pod ready, old pod terminating while it drains, then removed). Deterministic for a
 * seed. It prints what happened to connections at each step.
 */
public final class Demo
{
    static final long SECOND = 1_000_000_000L;
    private static final int WEB_VIP = 0x0a600050; // 10.96.0.80
    private static final int DNS_VIP = 0x0a60000a; // 10.96.0.10
    private static final int REPLICAS = 6;

    /** The totals a run ends with. */
    public record Result(long packets, long newFlows, long dnat, long rejected, long dropped, long passed,
        int longFlows, int longFlowsMoved, int longFlowsOnRemovedPods, long pastRemovedPods, double packetsPerSecond)
    {
    }

    private final PrintWriter out;
    private final String scheduler;
    private final long seed;
    private final int durationSeconds;

    public Demo(final PrintWriter out, final String scheduler, final long seed, final int durationSeconds)
    {
        this.out = out;
        this.scheduler = scheduler;
        this.seed = seed;
        this.durationSeconds = durationSeconds;
    }

    public Result run()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of("192.168.1.11"), scheduler, seed);
        cp.upsertService(ServiceSpec.clusterIp("shop", "web", "10.96.0.80",
            new ServicePortSpec("http", 80, Protocol.TCP, 0)));
        cp.upsertService(ServiceSpec.clusterIp("kube-system", "dns", "10.96.0.10",
            new ServicePortSpec("dns", 53, Protocol.UDP, 0)));
        final List<Pod> web = new ArrayList<>();
        for (int i = 1; i <= REPLICAS; i++)
        {
            web.add(new Pod("10.244." + (i % 3 + 1) + "." + i, "node-" + (i % 3 + 1)));
        }
        publishWeb(cp, web);
        cp.upsertSlice(new EndpointSliceSpec("kube-system", "dns-1", "dns", false,
            List.of(new EndpointPortSpec("dns", 53, Protocol.UDP)),
            List.of(EndpointSpec.ready("10.244.1.53", "node-1"), EndpointSpec.ready("10.244.2.53", "node-2"))));
        cp.publish();

        out.printf("vipflow demo: rolling update of shop/web (%d replicas, scheduler %s, seed %d)%n", REPLICAS,
            scheduler, seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final Traffic traffic = new Traffic(random);
        final Map<String, Long> newFlowsByBackend = new TreeMap<>();
        final List<String> removed = new ArrayList<>();
        long packets = 0;
        long newFlows = 0;
        final long[] verdicts = new long[Verdict.values().length];
        long pastRemoved = 0;
        long classifyNanos = 0;
        int nextPod = REPLICAS + 1;
        final int rolloutStart = durationSeconds / 6;
        final int step = Math.max(2, (durationSeconds - rolloutStart * 2) / REPLICAS);

        try (Classifier classifier = new Classifier(cp, ClassifierConfig.defaults().withConnectionCapacity(1 << 18)
            .withAffinityCapacity(1 << 10)))
        {
            final Decision d = new Decision();
            final PacketTuple p = new PacketTuple();
            for (int second = 0; second < durationSeconds; second++)
            {
                final int s = second;
                if (second >= rolloutStart && (second - rolloutStart) % step == 0 && web.stream().anyMatch(x -> !x.next))
                {
                    // Surge one new pod (ready) and start terminating the oldest old pod.
                    final Pod old = web.stream().filter(x -> !x.next && !x.terminating).findFirst().orElse(null);
                    if (old != null)
                    {
                        final Pod fresh = new Pod("10.244." + (nextPod % 3 + 1) + "." + (100 + nextPod),
                            "node-" + (nextPod % 3 + 1));
                        fresh.next = true;
                        nextPod++;
                        web.add(fresh);
                        old.terminating = true;
                        old.terminatedAt = second;
                        publishWeb(cp, web);
                        out.printf("t=%3ds  pod %-14s terminating (draining), pod %-14s added%n", second, old.ip,
                            fresh.ip);
                    }
                }
                final List<Pod> gone = web.stream().filter(x -> x.terminating && s - x.terminatedAt >= step).toList();
                if (!gone.isEmpty())
                {
                    web.removeAll(gone);
                    publishWeb(cp, web);
                    for (final Pod g : gone)
                    {
                        removed.add(g.ip + ":8080");
                        out.printf("t=%3ds  pod %-14s removed from the EndpointSlice%n", second, g.ip);
                        out.flush();
                    }
                }
                final List<Traffic.Packet> batch = traffic.second(second);
                for (final Traffic.Packet tp : batch)
                {
                    p.setIpv4(tp.protocol(), tp.client(), tp.clientPort(), tp.udp() ? DNS_VIP : WEB_VIP,
                        tp.udp() ? 53 : 80, tp.flags());
                    final long start = System.nanoTime();
                    classifier.classify(p, second * SECOND + tp.offsetNanos(), d);
                    classifyNanos += System.nanoTime() - start;
                    packets++;
                    verdicts[d.verdict().ordinal()]++;
                    if (d.verdict() == Verdict.DNAT)
                    {
                        if (removed.contains(d.backend().name))
                        {
                            pastRemoved++;
                        }
                        if (d.newFlow())
                        {
                            newFlows++;
                            newFlowsByBackend.merge(d.backend().name, 1L, Long::sum);
                        }
                        traffic.observe(tp, d.backend().name);
                    }
                }
            }
        }
        final Result r = new Result(packets, newFlows, verdicts[Verdict.DNAT.ordinal()],
            verdicts[Verdict.REJECT.ordinal()], verdicts[Verdict.DROP.ordinal()], verdicts[Verdict.PASS.ordinal()],
            traffic.longFlows(), traffic.longFlowsMoved(removed), traffic.longFlowsOn(removed), pastRemoved,
            packets / (classifyNanos / 1e9));
        out.println();
        out.println("new flows per backend:");
        newFlowsByBackend.forEach((k, v) -> out.printf("  %-20s %6d%s%n", k, v, removed.contains(k) ? "  (removed)" : ""));
        out.printf("%npackets %d: DNAT %d, REJECT %d, DROP %d, PASS %d; new flows %d%n", r.packets(), r.dnat(),
            r.rejected(), r.dropped(), r.passed(), r.newFlows());
        out.printf("long-lived connections: %d; moved while their pod was still listed: %d; " +
            "on pods that were removed: %d%n", r.longFlows(), r.longFlowsMoved(), r.longFlowsOnRemovedPods());
        out.printf("packets sent to a removed pod after its removal: %d%n", r.pastRemovedPods());
        out.printf("classification rate in this run: %.1f M packets/s (one thread, including the demo's own " +
            "bookkeeping)%n", r.packetsPerSecond() / 1e6);
        return r;
    }

    private static void publishWeb(final ControlPlane cp, final List<Pod> web)
    {
        final List<EndpointSpec> endpoints = new ArrayList<>();
        for (final Pod pod : web)
        {
            endpoints.add(new EndpointSpec(List.of(pod.ip), !pod.terminating, true, pod.terminating, pod.node, ""));
        }
        cp.upsertSlice(new EndpointSliceSpec("shop", "web-1", "web", false,
            List.of(new EndpointPortSpec("http", 8080, Protocol.TCP)), endpoints));
        cp.publish();
    }

    private static final class Pod
    {
        final String ip;
        final String node;
        boolean next;
        boolean terminating;
        int terminatedAt;

        Pod(final String ip, final String node)
        {
            this.ip = ip;
            this.node = node;
        }
    }
}
