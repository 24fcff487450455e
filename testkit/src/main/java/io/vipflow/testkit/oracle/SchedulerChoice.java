package io.vipflow.testkit.oracle;

import io.vipflow.service.ProxyMode;
import io.vipflow.service.ServiceSpec;

import java.util.List;
import java.util.Set;

/**
 * What the reference model expects of a Service port's scheduler. The model does not run schedulers: a new flow may
 * go to any backend of its set, and the model then follows the one the classifier chose. It only needs to know
 * which schedulers may find no destination at all.
 * <p>
 * Single-threaded: owned by one {@link ReferenceModel}, which calls it from the thread that drives it.
 */
final class SchedulerChoice
{
    /** The scheduler (and its flags) of Services that name none, as the control plane's default. */
    private String defaultScheduler = "maglev";
    private String defaultSchedulerFlags = "";

    /**
     * @param name  the default scheduler's name
     * @param flags its flags, or null
     */
    void defaultScheduler(final String name, final String flags)
    {
        this.defaultScheduler = name;
        this.defaultSchedulerFlags = flags == null ? "" : flags;
    }

    /**
     * True when the Service port's scheduler may return no destination although {@code usable} is not empty:
     * {@code sh}, {@code dh} and {@code mh} without their fallback flag when a listed backend is quiesced (it keeps
     * its buckets at weight 0), or in the IPVS profile when an endpoint that left the port may still be draining at
     * weight 0 (the model does not follow connection counts, so any that left may), and {@code ovf} always (a
     * destination whose active connections exceed its weight is skipped, {@code ip_vs_ovf_schedule}).
     */
    boolean mayFindNoDestination(final ServiceSpec service, final String portKey, final BackendSelection selection,
        final Set<String> usable, final ServiceTables tables)
    {
        final String name = service.scheduler() == null ? defaultScheduler : service.scheduler();
        final String flags = service.scheduler() == null ? defaultSchedulerFlags :
            service.schedulerFlags() == null ? "" : service.schedulerFlags();
        if (name.equals("ovf"))
        {
            return true;
        }
        if (!name.equals("sh") && !name.equals("dh") && !name.equals("mh"))
        {
            return false;
        }
        final boolean mayDrain = tables.proxyMode() == ProxyMode.IPVS && tables.anyDeparted(portKey);
        return !List.of(flags.split(",")).contains(name + "-fallback") &&
            (usable.size() < selection.listed().size() || mayDrain);
    }
}
