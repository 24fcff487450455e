package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code dh} ({@code ip_vs_dh.c}, {@code ip_vs_dh_schedule}): the packet's destination address picks one of
 * 256 buckets filled round-robin in IPVS list order, one bucket per destination whatever its weight
 * ({@link HashBuckets}); a bucket whose destination has weight 0 gives no destination (-1). For a Service every
 * packet of one frontend address lands in one bucket, so one destination takes all of that frontend's flows:
 * dh is meant for caches reached through many destination addresses.
 * <p>
 * {@code dh-fallback} and {@code dh-port} are vipflow's, mirroring sh's flags (the kernel's dh reads no scheduler
 * flag): walk on to the next available bucket, and add the destination port to the hashed value.
 * <p>
 * Concurrency: the table is immutable and built on the control plane; picks are stateless, allocation-free
 * and safe from any number of threads.
 */
final class DestinationHashScheduler extends IpvsScheduler
{
    private final int[] buckets;
    private final boolean fallback;
    private final boolean hashPort;

    private DestinationHashScheduler(final IpvsList list, final boolean fallback, final boolean hashPort)
    {
        super(list);
        this.buckets = HashBuckets.fill(list.weight, false);
        this.fallback = fallback;
        this.hashPort = hashPort;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final boolean fallback,
        final boolean hashPort)
    {
        return new DestinationHashScheduler(IpvsList.build(destinations, IpvsList.of(previous)), fallback, hashPort);
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int port = hashPort && SourceHashScheduler.hasPorts(packet.protocol) ? packet.dstPort : 0;
        final int key = port + KernelHash.fold(packet.ipv6, packet.dstHi, packet.dstLo);
        final int p = HashBuckets.lookup(buckets, weight, key, fallback);
        return p < 0 ? -1 : index[p];
    }

    /** The bucket table as list positions (for tests and tools). */
    int[] buckets()
    {
        return buckets.clone();
    }

    @Override
    public String name()
    {
        return "dh";
    }
}
