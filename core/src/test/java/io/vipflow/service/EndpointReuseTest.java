package io.vipflow.service;

import io.vipflow.sched.MaglevScheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A recompiled Service parses and names only the endpoints that changed, and what it compiles from the reused ones
 * is what compiling everything afresh gives: the same backends, conditions and sets, and the same Maglev table
 * slot for slot.
 */
class EndpointReuseTest
{
    private static EndpointSliceSpec slice(final int slice, final List<EndpointSpec> eps, final int targetPort)
    {
        return new EndpointSliceSpec("ns", "svc-" + slice, "svc", false,
            List.of(new EndpointPortSpec("http", targetPort, Protocol.TCP)), eps);
    }

    private static ServiceSpec service()
    {
        return ServiceSpec.clusterIp("ns", "svc", "10.96.0.1", new ServicePortSpec("http", 80, Protocol.TCP, 0))
            .withScheduler("maglev");
    }

    @Test
    void aRolloutStepParsesOnlyTheReplacedEndpoint()
    {
        final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
        cp.upsertService(service());
        final List<List<EndpointSpec>> slices = new ArrayList<>();
        for (int sl = 0; sl < 10; sl++)
        {
            final List<EndpointSpec> eps = new ArrayList<>();
            for (int e = 0; e < 100; e++)
            {
                eps.add(EndpointSpec.ready("10.244." + sl + "." + (e + 1), "node-1"));
            }
            slices.add(eps);
            cp.upsertSlice(slice(sl, eps, 8080));
        }
        cp.publish();
        assertEquals(1000, cp.parsedEndpointCount());

        // A new slice object with equal endpoints (new objects) at every position but one.
        final List<EndpointSpec> changed = new ArrayList<>();
        for (final EndpointSpec e : slices.get(3))
        {
            changed.add(new EndpointSpec(List.of(e.addresses().get(0)), true, true, false, "node-1", ""));
        }
        changed.set(42, EndpointSpec.ready("10.245.0.1", "node-1"));
        cp.upsertSlice(slice(3, changed, 8080));
        cp.publish();
        assertEquals(1001, cp.parsedEndpointCount(), "one endpoint parsed; 999 taken from the last compile");

        // A condition change is not an address change, but the endpoint is no longer equal: parsed again.
        changed.set(7, new EndpointSpec(List.of("10.244.3.8"), false, true, true, "node-1", ""));
        cp.upsertSlice(slice(3, changed, 8080));
        cp.publish();
        assertEquals(1002, cp.parsedEndpointCount());

        // Another target port renames every endpoint of that slice.
        cp.upsertSlice(slice(5, slices.get(5), 9090));
        cp.publish();
        assertEquals(1102, cp.parsedEndpointCount());
    }

    /**
     * An address listed twice (slices being rebalanced, a pod address reused while the old pod terminates, or one
     * slice naming it twice): a non-terminating listing wins over a terminating one wherever it is, as kube-proxy's
     * {@code pkg/proxy/endpointslicecache.go} {@code addEndpoints} keeps it ("prefer the running pod over the
     * terminating one"); among equal listings the first slice by name, then the first entry in that slice, wins
     * (kube-proxy leaves that to Go map order). The per-slice entries are merged by a sort, so this also checks that
     * the sort keeps slice order among equal names.
     */
    @Test
    void aDuplicatedAddressTakesItsNonTerminatingListingThenItsFirst()
    {
        final EndpointSpec terminating = new EndpointSpec(List.of("10.244.0.1"), false, true, true, "node-1", "");
        final EndpointSpec ready = EndpointSpec.ready("10.244.0.1", "node-1");
        final EndpointSpec other = EndpointSpec.ready("10.244.0.2", "node-1");
        for (final boolean readyFirst : new boolean[] {false, true})
        {
            final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
            cp.upsertService(service());
            // Slice 2 is handed over after slice 1 (name order); each slice also repeats the address itself.
            cp.upsertSlice(slice(2, List.of(other, readyFirst ? terminating : ready), 8080));
            cp.upsertSlice(slice(1, List.of(readyFirst ? ready : terminating, other, terminating), 8080));
            final ServicePort port = cp.publish().servicePorts().get(0);
            assertEquals(2, port.listedCount());
            assertEquals("10.244.0.1:8080", port.listed(0).name);
            assertEquals(true, port.listed(0).ready, "the non-terminating listing wins, first or not");
        }
        // Equal conditions: the first slice by name, then the first entry of that slice.
        final EndpointSpec onNode2 = EndpointSpec.ready("10.244.0.1", "node-2");
        final EndpointSpec onNode3 = EndpointSpec.ready("10.244.0.1", "node-3");
        final EndpointSpec terminatingOn2 = new EndpointSpec(List.of("10.244.0.1"), false, true, true, "node-2", "");
        final EndpointSpec terminatingOn3 = new EndpointSpec(List.of("10.244.0.1"), false, true, true, "node-3", "");
        for (final boolean running : new boolean[] {false, true})
        {
            final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
            cp.upsertService(service());
            cp.upsertSlice(slice(2, List.of(running ? ready : terminating), 8080));
            cp.upsertSlice(slice(1, List.of(other, running ? onNode2 : terminatingOn2, running ? onNode3 :
                terminatingOn3), 8080));
            final ServicePort port = cp.publish().servicePorts().get(0);
            assertEquals("node-2", port.listed(0).nodeName, "the first listing of the first slice by name wins");
        }
    }

    /**
     * Random changes to a Maglev Service of a few hundred endpoints in three slices (replacements, condition flips,
     * insertions and removals that shift positions, addresses listed in two slices, another target port); after
     * each publish the compiled port equals a fresh control plane's compile of the same slices, the backends that
     * did not change are the last compile's objects, and the Maglev tables agree slot for slot.
     */
    @Test
    void reusedEndpointsCompileAsAFreshCompileDoes()
    {
        final Random r = new Random(17);
        final ControlPlane cp = new ControlPlane("node-1", List.of(), "maglev", 0);
        cp.upsertService(service());
        final List<List<EndpointSpec>> slices = new ArrayList<>();
        final int[] target = {8080, 8080, 8080};
        for (int sl = 0; sl < 3; sl++)
        {
            final List<EndpointSpec> eps = new ArrayList<>();
            for (int e = 0; e < 100; e++)
            {
                eps.add(EndpointSpec.ready("10.244." + sl + "." + (e + 1), "node-" + (e % 3)));
            }
            slices.add(eps);
            cp.upsertSlice(slice(sl, eps, target[sl]));
        }
        ServicePort before = cp.publish().servicePorts().get(0);
        for (int step = 0; step < 150; step++)
        {
            final int sl = r.nextInt(3);
            final List<EndpointSpec> eps = new ArrayList<>(slices.get(sl));
            final int at = r.nextInt(eps.size());
            switch (r.nextInt(6))
            {
                case 0 -> eps.set(at, EndpointSpec.ready("10.246." + r.nextInt(4) + "." + r.nextInt(250), "node-1"));
                case 1 -> eps.set(at, new EndpointSpec(eps.get(at).addresses(), r.nextBoolean(), r.nextBoolean(),
                    r.nextBoolean(), "node-" + r.nextInt(3), ""));
                case 2 -> eps.add(r.nextInt(eps.size() + 1), EndpointSpec.ready("10.247.0." + r.nextInt(250),
                    "node-2"));
                case 3 -> eps.remove(at);
                case 4 -> eps.add(r.nextInt(eps.size() + 1),
                    slices.get((sl + 1) % 3).get(r.nextInt(slices.get((sl + 1) % 3).size())));
                default -> target[sl] = r.nextInt(3) == 0 ? 9090 : 8080;
            }
            slices.set(sl, eps);
            cp.upsertSlice(slice(sl, eps, target[sl]));
            final ServicePort after = cp.publish().servicePorts().get(0);
            final ServicePort fresh = freshCompile(slices, target);
            final String where = "step " + step;
            assertEquals(describe(fresh), describe(after), where);
            assertEquals(maglevNames(fresh), maglevNames(after), where + ": the Maglev tables");
            for (int i = 0; i < after.listedCount(); i++)
            {
                final Backend b = after.listed(i);
                final Backend was = before.backend(b.id);
                if (was != null && was.name.equals(b.name) && was.ready == b.ready && was.serving == b.serving &&
                    was.terminating == b.terminating && was.nodeName.equals(b.nodeName) &&
                    was.inClusterSet == b.inClusterSet && was.inLocalSet == b.inLocalSet)
                {
                    assertSame(was, b, where + ": an unchanged backend is the last compile's object");
                }
            }
            before = after;
        }
    }

    private static ServicePort freshCompile(final List<List<EndpointSpec>> slices, final int[] target)
    {
        final ControlPlane full = new ControlPlane("node-1", List.of(), "maglev", 0);
        full.upsertService(service());
        for (int sl = 0; sl < slices.size(); sl++)
        {
            full.upsertSlice(slice(sl, slices.get(sl), target[sl]));
        }
        return full.publish().servicePorts().get(0);
    }

    private static List<String> describe(final ServicePort sp)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < sp.listedCount(); i++)
        {
            final Backend b = sp.listed(i);
            out.add(b.name + " ready=" + b.ready + " serving=" + b.serving + " terminating=" + b.terminating +
                " node=" + b.nodeName + " cluster=" + b.inClusterSet + " local=" + b.inLocalSet + " address=" +
                b.addrHi + "/" + b.addrLo + ":" + b.port);
        }
        for (int i = 0; i < sp.clusterSet.size(); i++)
        {
            out.add("member " + sp.clusterSet.get(i).name);
        }
        return out;
    }

    /** The backend name in every slot of the cluster set's Maglev table (empty for an empty set). */
    private static List<String> maglevNames(final ServicePort sp)
    {
        final List<String> out = new ArrayList<>();
        if (sp.clusterSet.isEmpty())
        {
            return out;
        }
        final MaglevScheduler m = (MaglevScheduler)sp.clusterSet.scheduler();
        final int[] table = m.destinationTable();
        final List<String> destinations = new ArrayList<>();
        for (int i = 0; i < sp.listedCount(); i++)
        {
            destinations.add(sp.listed(i).name);
        }
        for (final int d : table)
        {
            out.add(destinations.get(d));
        }
        return out;
    }
}
