package io.vipflow.harness.sim;

import io.vipflow.service.Backend;
import io.vipflow.service.ServicePort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense numbers for backend names ({@code 10.128.1.5:8080}) in order of first appearance, and the Service port
 * (per address family) each belongs to. Names rather than control-plane ids, because the instances of a fleet
 * number their backends independently.
 * <p>
 * Thread contract: confined to the collector thread.
 */
final class BackendLabels
{
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> servicePorts = new ArrayList<>();

    int of(final Backend b, final ServicePort sp)
    {
        final Integer known = index.get(b.name);
        if (known != null)
        {
            return known;
        }
        final int n = names.size();
        index.put(b.name, n);
        names.add(b.name);
        servicePorts.add(key(sp));
        return n;
    }

    /** Service port and family, e.g. {@code shop/web:http|4}: one load-balancing pool. */
    static String key(final ServicePort sp)
    {
        return sp.label + (sp.ipv6 ? "|6" : "|4");
    }

    int size()
    {
        return names.size();
    }

    String name(final int label)
    {
        return names.get(label);
    }

    String servicePort(final int label)
    {
        return servicePorts.get(label);
    }

    List<String> names()
    {
        return List.copyOf(names);
    }
}
