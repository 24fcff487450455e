package io.vipflow.sched;

import io.vipflow.packet.PacketTuple;

import java.util.List;

/**
 * IPVS {@code sh} ({@code ip_vs_sh.c}, {@code ip_vs_sh_schedule}): the client's source address (and, with
 * {@code sh-port}, its source port) picks one of 256 buckets filled round-robin in IPVS list order, a
 * destination taking {@code weight} consecutive buckets ({@link HashBuckets}). A bucket whose destination has
 * weight 0 gives no destination (-1), unless {@code sh-fallback} is set: then the lookup walks on to the next
 * available bucket. The port is taken for TCP, UDP and SCTP only, as {@code ip_vs_sh_get_port} does.
 * <p>
 * Concurrency: the table is immutable and built on the control plane; picks are stateless, allocation-free
 * and safe from any number of threads.
 */
final class SourceHashScheduler extends IpvsScheduler
{
    private final int[] buckets;
    private final boolean fallback;
    private final boolean hashPort;

    private SourceHashScheduler(final IpvsList list, final boolean fallback, final boolean hashPort)
    {
        super(list);
        this.buckets = HashBuckets.fill(list.weight, true);
        this.fallback = fallback;
        this.hashPort = hashPort;
    }

    static Scheduler create(final List<Destination> destinations, final Scheduler previous, final boolean fallback,
        final boolean hashPort)
    {
        return new SourceHashScheduler(IpvsList.build(destinations, IpvsList.of(previous)), fallback, hashPort);
    }

    static boolean hasPorts(final int protocol)
    {
        return protocol == PacketTuple.PROTO_TCP || protocol == PacketTuple.PROTO_UDP ||
            protocol == PacketTuple.PROTO_SCTP;
    }

    @Override
    public int pick(final PacketTuple packet, final long flowHash)
    {
        final int port = hashPort && hasPorts(packet.protocol) ? packet.srcPort : 0;
        final int key = port + KernelHash.fold(packet.ipv6, packet.srcHi, packet.srcLo);
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
        return "sh";
    }
}
