package io.vipflow.harness.k8s;

import io.vipflow.packet.Addresses;
import io.vipflow.service.ServiceSpec;
import io.vipflow.testkit.ChurnEvent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The API server's rules on Service ClusterIPs that no single object shows, checked as objects arrive:
 * <ul>
 * <li>a ClusterIP belongs to one Service: the apiserver's allocator refuses an address already allocated
 * (kubernetes pkg/registry/core/service/ipallocator, {@code Allocate} returning {@code ErrAllocated}, "provided
 * IP is already allocated", called from pkg/registry/core/service/storage/alloc.go {@code allocClusterIPs});</li>
 * <li>{@code spec.clusterIPs[0]} is immutable once set (kubernetes pkg/apis/core/validation/validation.go,
 * {@code ValidateServiceUpdate}, "field is immutable"); a second family may be added.</li>
 * </ul>
 * A refused object leaves the recorded state as it was.
 * <p>
 * Thread contract: confined to the thread applying objects (a reader, a replay or the live control plane).
 */
public final class ServiceIpRules
{
    private final Map<String, List<String>> ipsByService = new HashMap<>();
    private final Map<String, String> serviceByIp = new HashMap<>();

    /** Checks and records a churn or watch event; DELETED releases the Service's addresses. */
    public void admit(final ChurnEvent event)
    {
        if (event.kind() != ChurnEvent.Kind.SERVICE)
        {
            return;
        }
        if (event.type() == ChurnEvent.Type.DELETED)
        {
            release(event.key());
        }
        else if (event.service() != null)
        {
            admit(event.service());
        }
    }

    /**
     * Checks and records a Service, new or changed.
     *
     * @throws IllegalArgumentException naming the field, the address and the Service that holds it, or the
     *                                  address it would replace.
     */
    public void admit(final ServiceSpec service)
    {
        final String key = service.key();
        final List<String> wanted = service.clusterIps();
        final List<String> before = ipsByService.get(key);
        if (before != null && !before.isEmpty() && !wanted.isEmpty() &&
            !address(before.get(0)).equals(address(wanted.get(0))))
        {
            throw new IllegalArgumentException("spec.clusterIPs[0] '" + wanted.get(0) + "' would replace '" +
                before.get(0) + "': a Service's ClusterIP is immutable (delete the Service and create it again)");
        }
        for (int i = 0; i < wanted.size(); i++)
        {
            final String owner = serviceByIp.get(address(wanted.get(i)));
            if (owner != null && !owner.equals(key))
            {
                throw new IllegalArgumentException("spec.clusterIPs[" + i + "] '" + wanted.get(i) +
                    "' is already allocated to Service " + owner);
            }
        }
        release(key);
        ipsByService.put(key, wanted);
        for (final String ip : wanted)
        {
            serviceByIp.put(address(ip), key);
        }
    }

    private void release(final String key)
    {
        final List<String> held = ipsByService.remove(key);
        if (held != null)
        {
            for (final String ip : held)
            {
                serviceByIp.remove(address(ip));
            }
        }
    }

    /** One spelling per address ("fd00::1" and "fd00:0::1" are one address). */
    private static String address(final String ip)
    {
        final long[] a = Addresses.parse(ip);
        return a[0] + ":" + a[1] + ":" + a[2];
    }
}
