package io.vipflow.sched;

/**
 * Base of the IPVS schedulers: the destination list in IPVS order ({@link IpvsList}), with its arrays copied into
 * final fields for the data path. Subclasses return {@code index[position]} from {@link #pick}.
 * <p>
 * IPVS marks a destination overloaded ({@code IP_VS_DEST_F_OVERLOAD}) only when an upper connection threshold
 * is configured; Kubernetes configures none, so no scheduler here models that flag.
 */
abstract class IpvsScheduler implements Scheduler
{
    final IpvsList list;
    final int[] index;
    final int[] weight;
    final ConnCounters[] counters;

    IpvsScheduler(final IpvsList list)
    {
        this.list = list;
        this.index = list.index;
        this.weight = list.weight;
        this.counters = list.counters;
    }

    /** {@return destination names in IPVS order (for tools and tests)} */
    public String[] ipvsOrder()
    {
        return list.names.clone();
    }
}
