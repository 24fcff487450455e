package io.vipflow.service;

/**
 * The kube-proxy mode whose decisions vipflow reproduces where the modes differ (docs/SEMANTICS-CHOICES.md,
 * "Proxy modes"). The default is {@link #NFTABLES}.
 */
public enum ProxyMode
{
    /** kube-proxy {@code --proxy-mode nftables} ({@code pkg/proxy/nftables}). */
    NFTABLES,
    /** kube-proxy {@code --proxy-mode iptables} ({@code pkg/proxy/iptables}). */
    IPTABLES,
    /** kube-proxy {@code --proxy-mode ipvs} ({@code pkg/proxy/ipvs}) over the kernel's IPVS. */
    IPVS;

    /**
     * {@return the mode named {@code nftables}, {@code iptables} or {@code ipvs} (any case)}
     *
     * @param name the mode's name
     */
    public static ProxyMode parse(final String name)
    {
        for (final ProxyMode m : values())
        {
            if (m.name().equalsIgnoreCase(name))
            {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown proxy mode '" + name + "' (nftables, iptables or ipvs)");
    }
}
