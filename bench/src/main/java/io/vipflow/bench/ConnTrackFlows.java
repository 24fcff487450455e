package io.vipflow.bench;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;

/**
 * The flows every connection-table benchmark uses, as plain arrays so that building a key is the same work for
 * every implementation: {@code count} resident TCP flows from distinct clients to one VIP, a random visiting
 * order over them (consecutive lookups touch unrelated memory, as on a busy link), and per thread a ring of
 * fresh keys that no table holds. Immutable after construction; share freely.
 * <p>
 * A {@code ConnTable} never evicts an ESTABLISHED flow, so a bucket can fill up and refuse one; the flows here are
 * the ones a probe table of {@link #capacity} accepted (the count skipped is printed with the setup time), so that
 * every implementation holds exactly the same set.
 */
final class ConnTrackFlows
{
    static final int PROTOCOL = FlowKey.familyProtocol(PacketTuple.PROTO_TCP, false);
    static final long VIP = Addresses.ipv4Lo(0x0a600050); // 10.96.0.80:80
    static final int VIP_PORT = 80;
    static final int FRESH_PORT = 2000;
    static final int ORDER = 1 << 16;
    static final int FRESH = 1 << 16;
    static final int MAX_THREADS = 2;

    final int count;
    final long[] srcLo;
    final int[] srcPort;
    final int[] order = new int[ORDER];
    /** Fresh client addresses (port {@link #FRESH_PORT}) per benchmark thread. */
    final long[][] fresh = new long[MAX_THREADS][FRESH];
    /** Candidates the probe table refused; reported with the setup time. */
    final int skipped;

    ConnTrackFlows(final int count)
    {
        this.count = count;
        srcLo = new long[count];
        srcPort = new int[count];
        int skips = 0;
        try (ConnTable probe = new ConnTable(capacity(count)))
        {
            final ConnView view = new ConnView();
            final FlowKey key = new FlowKey();
            for (int candidate = 0, i = 0; i < count; candidate++)
            {
                final long client = Addresses.ipv4Lo(0x0b000000 + candidate);
                final int port = 1024 + (int)((candidate * 7919L) % 60_000);
                key.set(PROTOCOL, 0, client, port, 0, VIP, VIP_PORT);
                if (probe.getOrCreate(key, 0, ConnState.ESTABLISHED, Long.MAX_VALUE, 0, view) == ConnTable.CREATED)
                {
                    srcLo[i] = client;
                    srcPort[i] = port;
                    i++;
                }
                else
                {
                    skips++;
                }
            }
            for (int thread = 0; thread < MAX_THREADS; thread++)
            {
                for (int candidate = 0, i = 0; i < FRESH; candidate++)
                {
                    final long client = Addresses.ipv4Lo(0x0c000000 + (thread << 20) + candidate);
                    key.set(PROTOCOL, 0, client, FRESH_PORT, 0, VIP, VIP_PORT);
                    if (probe.getOrCreate(key, 0, ConnState.ESTABLISHED, Long.MAX_VALUE, 0, view) ==
                        ConnTable.CREATED && probe.delete(view))
                    {
                        fresh[thread][i++] = client;
                    }
                    else
                    {
                        skips++;
                    }
                }
            }
        }
        skipped = skips;
        long x = 12345;
        for (int i = 0; i < ORDER; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            order[i] = (int)Long.remainderUnsigned(x >>> 17, count);
        }
    }

    /** Table capacity for {@code count} resident flows plus the fresh ones in flight. */
    static int capacity(final int count)
    {
        return 2 * count + 4096;
    }
}
