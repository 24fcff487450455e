package io.vipflow.harness.gen;

import io.vipflow.service.Protocol;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.List;

/**
 * QuickTheories generators of the simulation's inputs (cluster shapes, churn scripts, traffic models), for the
 * property tests of the generators and readers themselves. Values are small: up to 6 nodes, 3 Services of up to 20
 * replicas, 5 churn actions. (Property tests of a proxy use vipflow-testkit's generators.)
 * <p>
 * Every script only names Services and nodes that exist at its time, so {@link ChurnGenerator#generate} accepts
 * every generated case.
 * <p>
 * Thread contract: stateless; the generators are safe from any thread.
 */
public final class Generators
{
    private static final Gen<Integer> PERCENT = Generate.range(0, 100);

    private Generators()
    {
    }

    /** Clusters of 1 to 6 nodes and 1 to 3 Services (TCP, sometimes UDP; IPv4, IPv6 or dual stack). */
    public static Gen<ClusterShape> clusters()
    {
        return in ->
        {
            final int nodes = Generate.range(1, 6).generate(in);
            final int count = Generate.range(1, 3).generate(in);
            final List<ServiceShape> services = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                services.add(service(in, "svc-" + i));
            }
            return new ClusterShape(nodes, services);
        };
    }

    private static ServiceShape service(final RandomnessSource in, final String name)
    {
        final int family = PERCENT.generate(in);
        final List<PortShape> ports = new ArrayList<>();
        ports.add(new PortShape("http", 80, 8080, Protocol.TCP));
        if (PERCENT.generate(in) < 40)
        {
            ports.add(new PortShape("dns", 53, 5353, Protocol.UDP));
        }
        return new ServiceShape("default", name, Generate.range(0, 20).generate(in), ports, family < 85, family >= 60,
            Generate.range(0, 5).generate(in), Generate.range(0, 30).generate(in),
            PERCENT.generate(in) < 20 ? 30 : 0);
    }

    /**
     * Churn scripts for {@code shape} within {@code durationSeconds}: rolling updates, scaling, crash loops, node
     * failures, Services added and removed, in time order.
     */
    public static Gen<List<ChurnAction>> churnScripts(final ClusterShape shape, final double durationSeconds)
    {
        return in ->
        {
            final List<String> alive = new ArrayList<>();
            shape.services().forEach(s -> alive.add(s.name()));
            final boolean[] down = new boolean[shape.nodes() + 1];
            int up = shape.nodes();
            final int count = Generate.range(0, 5).generate(in);
            final List<ChurnAction> script = new ArrayList<>();
            double at = 0;
            for (int i = 0; i < count; i++)
            {
                at += durationSeconds / (count + 1) * Generate.range(50, 100).generate(in) / 100.0;
                final int kind = Generate.range(0, 5).generate(in);
                if (kind == 4 && up > 1)
                {
                    int node = Generate.range(1, shape.nodes()).generate(in);
                    while (down[node])
                    {
                        node = node % shape.nodes() + 1;
                    }
                    down[node] = true;
                    up--;
                    script.add(new ChurnAction.NodeFailure(at, node, Generate.range(0, 5).generate(in)));
                    continue;
                }
                if (kind == 5 || alive.isEmpty())
                {
                    final String name = "added-" + i;
                    script.add(new ChurnAction.AddService(at, service(in, name)));
                    alive.add(name);
                    continue;
                }
                final String target = alive.get(Generate.range(0, alive.size() - 1).generate(in));
                switch (kind)
                {
                    case 0:
                        final int surge = Generate.range(0, 3).generate(in);
                        script.add(new ChurnAction.RollingUpdate(at, target, new ChurnAction.Amount(surge, false),
                            new ChurnAction.Amount(surge == 0 ? 1 + Generate.range(0, 2).generate(in) :
                                Generate.range(0, 50).generate(in), surge != 0)));
                        break;
                    case 1:
                        script.add(new ChurnAction.Scale(at, target, Generate.range(0, 25).generate(in)));
                        break;
                    case 2:
                        script.add(new ChurnAction.CrashLoop(at, target, Generate.range(1, 2).generate(in),
                            Generate.range(1, 2).generate(in), Generate.range(1, 10).generate(in)));
                        break;
                    default:
                        script.add(new ChurnAction.RemoveService(at, target));
                        alive.remove(target);
                        break;
                }
            }
            return script;
        };
    }

    /** Traffic models: 200 to 2,000 packets per second from up to 200 clients, every flow kind, sometimes attacks. */
    public static Gen<TrafficModel> trafficModels()
    {
        return in ->
        {
            final List<TrafficModel.Attack> attacks = new ArrayList<>();
            if (PERCENT.generate(in) < 25)
            {
                attacks.add(new TrafficModel.Attack(TrafficModel.Attack.Kind.SYN_FLOOD, 1, 5,
                    Generate.range(1, 20).generate(in) / 10.0, null, 1));
            }
            if (PERCENT.generate(in) < 25)
            {
                attacks.add(new TrafficModel.Attack(TrafficModel.Attack.Kind.SCAN, 0, 30,
                    Generate.range(1, 10).generate(in) / 100.0, null, Generate.range(1, 50).generate(in)));
            }
            final int min = Generate.range(0, 3).generate(in);
            return new TrafficModel(Generate.range(200, 2_000).generate(in), Generate.range(1, 200).generate(in),
                Generate.range(0, 15).generate(in) / 10.0, Generate.range(0, 15).generate(in) / 10.0,
                1 + PERCENT.generate(in), PERCENT.generate(in) / 5, PERCENT.generate(in) / 2,
                PERCENT.generate(in) / 100.0, min, min + Generate.range(0, 5).generate(in),
                PERCENT.generate(in) / 500.0, Generate.range(1, 60).generate(in),
                Generate.range(1, 20).generate(in) / 10.0, PERCENT.generate(in) / 200.0, attacks);
        };
    }

    /** A cluster and its churn over 10 to 60 simulated seconds, as {@link ChurnGenerator} emits them. */
    public static Gen<GeneratedCluster> generatedClusters()
    {
        return in ->
        {
            final ClusterShape shape = clusters().generate(in);
            final double duration = Generate.range(10, 60).generate(in);
            final List<ChurnAction> script = churnScripts(shape, duration).generate(in);
            return ChurnGenerator.generate(shape, script, Generate.longRange(0, 1L << 40).generate(in), duration);
        };
    }
}
