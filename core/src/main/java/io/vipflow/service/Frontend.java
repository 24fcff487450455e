package io.vipflow.service;

import io.vipflow.packet.Addresses;

/**
 * One (address, port, protocol) at which a Service port is reachable. Immutable.
 */
public final class Frontend
{
    /** How the Service is reached here: ClusterIP, external IP, load-balancer IP or node port. */
    public final FrontendKind kind;
    /** The Service port packets to this frontend belong to. */
    public final ServicePort target;
    /** True for an IPv6 frontend. */
    public final boolean ipv6;
    /** High 64 bits of the address (an IPv4 address is IPv4-mapped: {@link io.vipflow.packet.Addresses#ipv4Lo}). */
    public final long addrHi;
    /** Low 64 bits of the address (for IPv4, {@code 0xffff} then the 32 address bits). */
    public final long addrLo;
    /** The destination port (the node port for a node-port frontend). */
    public final int port;
    /** The IP protocol number ({@link io.vipflow.packet.PacketTuple#PROTO_TCP}, ...). */
    public final int protocol;
    /**
     * IPVS profile: this frontend's own virtual service (its destination list and scheduler state), which new flows
     * through it are scheduled by; null otherwise, when the Service port's set for the frontend's policy is used.
     * @hidden
     */
    public final BackendSet virtualService;
    private final long[] rangeHi;
    private final long[] rangeLo;
    private final int[] rangePrefix;

    Frontend(final FrontendKind kind, final ServicePort target, final long addrHi, final long addrLo, final int port,
        final long[] rangeHi, final long[] rangeLo, final int[] rangePrefix)
    {
        this(kind, target, addrHi, addrLo, port, rangeHi, rangeLo, rangePrefix, null);
    }

    private Frontend(final FrontendKind kind, final ServicePort target, final long addrHi, final long addrLo,
        final int port, final long[] rangeHi, final long[] rangeLo, final int[] rangePrefix,
        final BackendSet virtualService)
    {
        this.virtualService = virtualService;
        this.kind = kind;
        this.target = target;
        this.ipv6 = target.ipv6;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.protocol = target.port.protocol().number;
        this.rangeHi = rangeHi;
        this.rangeLo = rangeLo;
        this.rangePrefix = rangePrefix;
    }

    /** This frontend with its own virtual service (IPVS profile). */
    Frontend withVirtualService(final BackendSet set)
    {
        return new Frontend(kind, target, addrHi, addrLo, port, rangeHi, rangeLo, rangePrefix, set);
    }

    /**
     * {@return {@code loadBalancerSourceRanges}: true when the source may use this frontend} Only load-balancer
     * frontends carry ranges; with none, every source is admitted.
     *
     * @param srcHi the source address, high 64 bits
     * @param srcLo the source address, low 64 bits
     */
    public boolean admits(final long srcHi, final long srcLo)
    {
        final int[] prefixes = rangePrefix;
        if (prefixes == null)
        {
            return true;
        }
        for (int i = 0; i < prefixes.length; i++)
        {
            if (Addresses.inPrefix(srcHi, srcLo, rangeHi[i], rangeLo[i], prefixes[i]))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return kind + " " + Addresses.formatSocket(ipv6, addrHi, addrLo, port) + " -> " + target.label;
    }
}
