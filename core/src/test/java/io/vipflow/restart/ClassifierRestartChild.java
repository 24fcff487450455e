package io.vipflow.restart;

import io.vipflow.Classifier;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.packet.PacketTuple;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process that {@link ClassifierRestartTest} kills: classifies TCP flows (SYN, then ACK) on a mapped
 * connection table with epoch-nanosecond times, and prints {@code flow backend} for each flow once it is
 * ESTABLISHED, until it is killed (or after 60 s or a million flows, so that it never outlives a broken test).
 * Arguments: table file, backend id file.
 */
public final class ClassifierRestartChild
{
    private ClassifierRestartChild()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path table = Path.of(args[0]);
        final Path ids = Path.of(args[1]);
        final long stopAt = System.currentTimeMillis() + 60_000;
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try (Classifier classifier = new Classifier(RestartCluster.controlPlane(ids, false), RestartCluster.config(),
            ConnTable.mapped(table, RestartCluster.CAPACITY)))
        {
            final Decision d = new Decision();
            final PacketTuple p = new PacketTuple();
            for (int flow = 0; flow < 1_000_000 && System.currentTimeMillis() < stopAt; flow++)
            {
                final long now = RestartCluster.epochNanos();
                p.setIpv4(PacketTuple.PROTO_TCP, RestartCluster.client(flow), RestartCluster.clientPort(flow),
                    RestartCluster.VIP, 80, PacketTuple.TCP_SYN);
                classifier.classify(p, now, d);
                p.flags = PacketTuple.TCP_ACK;
                classifier.classify(p, now, d);
                if (d.verdict() != Verdict.DNAT || d.newFlow())
                {
                    throw new IllegalStateException("flow " + flow + " did not reach ESTABLISHED: " + d);
                }
                out.write(flow + " " + d.backend().name + "\n");
                if ((flow & 63) == 63)
                {
                    out.flush();
                }
            }
            out.flush();
        }
    }
}
