/**
 * Schedulers: what picks the endpoint of a new flow from a Service port's ordered list of destinations. The IPVS
 * schedulers, each following the kernel's {@code net/netfilter/ipvs/ip_vs_*.c} (rr, wrr, lc, wlc, sed, nq, sh, dh,
 * lblc, lblcr, mh, fo, ovf, twos), kube-proxy's random pick of its iptables and nftables modes, Maglev and ring hash,
 * and least request; {@link io.vipflow.sched.Schedulers} names them and parses their flags, and
 * {@link io.vipflow.sched.ConnCounters} keeps the per-destination connection counts the least-connection family
 * reads.
 * <p>
 * A scheduler is built once per published set of destinations on the control plane and then picks from any number of
 * data-plane threads at once; each class states what it shares between them.
 */
package io.vipflow.sched;
