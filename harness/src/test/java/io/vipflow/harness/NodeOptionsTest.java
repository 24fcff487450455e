package io.vipflow.harness;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NodeOptionsTest
{
    @Command(name = "node")
    static final class Node
    {
        @Mixin
        NodeOptions node;
    }

    private static NodeOptions parse(final String... args)
    {
        final Node command = new Node();
        final CommandLine cl = new CommandLine(command);
        cl.parseArgs(args);
        command.node.validate(cl);
        return command.node;
    }

    /**
     * kube-proxy programs every IPVS virtual service with {@code rr} unless {@code --ipvs-scheduler} says otherwise
     * ({@code pkg/proxy/ipvs/proxier.go}, {@code defaultScheduler = "rr"}); the other profiles keep vipflow's default.
     */
    @Test
    void theIpvsProfileDefaultsToRoundRobin()
    {
        assertEquals("rr", parse("--proxy-mode", "ipvs").scheduler());
        assertEquals("maglev", parse().scheduler());
        assertEquals("maglev", parse("--proxy-mode", "iptables").scheduler());
        assertEquals("wlc", parse("--proxy-mode", "ipvs", "--scheduler", "wlc").scheduler());
        assertEquals("sh", parse("--scheduler", "sh").scheduler());
    }

    @Test
    void anUnknownSchedulerIsStillAParameterError()
    {
        final CommandLine.ParameterException ex = assertThrows(CommandLine.ParameterException.class,
            () -> parse("--proxy-mode", "ipvs", "--scheduler", "fastest"));
        assertEquals(true, ex.getMessage().startsWith("unknown scheduler 'fastest'"), ex.getMessage());
    }
}
