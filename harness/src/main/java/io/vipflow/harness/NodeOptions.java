package io.vipflow.harness;

import io.vipflow.packet.Addresses;
import io.vipflow.sched.Schedulers;
import io.vipflow.service.ProxyMode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options every command that runs a balancer for one node shares: which node it is (for NodePorts and Local
 * traffic policies), the default scheduler and the kube-proxy mode reproduced. A picocli mixin:
 * {@code @Mixin NodeOptions node;}.
 */
public final class NodeOptions
{
    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "",
        description = "This node, for Local traffic policies.")
    public String nodeName;

    @Option(names = "--node-ip", paramLabel = "IP", description = "This node's addresses, for NodePorts.")
    public List<String> nodeIps = new ArrayList<>();

    @Option(names = "--scheduler", paramLabel = "NAME",
        description = "Default scheduler: ${COMPLETION-CANDIDATES} (default: maglev; rr with --proxy-mode ipvs, " +
            "kube-proxy's --ipvs-scheduler default).",
        completionCandidates = SchedulerNames.class)
    public String scheduler;

    @Option(names = "--proxy-mode", paramLabel = "MODE", defaultValue = "nftables",
        description = "The kube-proxy mode reproduced where the modes differ: nftables, iptables or ipvs " +
            "(default: ${DEFAULT-VALUE}).")
    public String proxyMode;

    /**
     * The default scheduler: {@code --scheduler}, else {@code rr} in the IPVS profile, as kube-proxy programs every
     * virtual service with {@code rr} when {@code --ipvs-scheduler} is empty ({@code pkg/proxy/ipvs/proxier.go}:
     * {@code defaultScheduler = "rr"}), else {@code maglev}.
     */
    public String scheduler()
    {
        if (scheduler != null)
        {
            return scheduler;
        }
        return ProxyMode.parse(proxyMode) == ProxyMode.IPVS ? "rr" : "maglev";
    }

    /** The parsed {@code --proxy-mode}. */
    public ProxyMode proxyMode()
    {
        return ProxyMode.parse(proxyMode);
    }

    /**
     * @throws CommandLine.ParameterException naming the option and the value when the scheduler or proxy mode is
     *                                        unknown or a node address is not an IP address.
     */
    public void validate(final CommandLine commandLine)
    {
        try
        {
            proxyMode();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(commandLine, "--proxy-mode: " + ex.getMessage());
        }
        if (scheduler != null && !Schedulers.NAMES.contains(scheduler))
        {
            throw new CommandLine.ParameterException(commandLine,
                "unknown scheduler '" + scheduler + "' (one of " + Schedulers.NAMES + ")");
        }
        for (final String ip : nodeIps)
        {
            try
            {
                Addresses.parse(ip);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(commandLine, "--node-ip '" + ip +
                    "' is not an IPv4 or IPv6 address (" + ex.getMessage() + ")");
            }
        }
    }

    /** Scheduler names for the help text. */
    static final class SchedulerNames extends ArrayList<String>
    {
        private static final long serialVersionUID = 1L;

        SchedulerNames()
        {
            super(Schedulers.NAMES);
        }
    }
}
