package io.vipflow.harness.live;

import io.vipflow.packet.Addresses;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.Frontend;
import io.vipflow.service.Snapshot;

import java.util.List;
import java.util.SplittableRandom;

/**
 * First packets of new connections towards the frontends a snapshot holds, so that {@code vipflow watch} can show
 * where new flows go as the cluster changes: a TCP SYN, a UDP datagram or an SCTP INIT from a client in
 * 198.18.0.0/15 (the range set aside for benchmarks, never a real client) with a random port, to a frontend drawn
 * uniformly.
 * <p>
 * Thread contract: confined to the traffic thread.
 */
final class SyntheticTraffic
{
    private static final int CLIENT_BASE = (198 << 24) | (18 << 16);
    private static final int CLIENT_MASK = (1 << 17) - 1;

    private final SplittableRandom random;
    private Snapshot seen;
    private List<Frontend> frontends = List.of();

    SyntheticTraffic(final long seed)
    {
        this.random = new SplittableRandom(seed);
    }

    /**
     * @return false when the snapshot has no frontend to send to; {@code into} is then unchanged.
     */
    boolean next(final Snapshot snapshot, final PacketTuple into)
    {
        if (snapshot != seen)
        {
            seen = snapshot;
            frontends = snapshot.frontends.all();
        }
        if (frontends.isEmpty())
        {
            return false;
        }
        final Frontend f = frontends.get(random.nextInt(frontends.size()));
        final int flags = f.protocol == PacketTuple.PROTO_TCP ? PacketTuple.TCP_SYN :
            f.protocol == PacketTuple.PROTO_SCTP ? PacketTuple.SCTP_INIT : 0;
        final int client = CLIENT_BASE | random.nextInt(CLIENT_MASK + 1);
        final int clientPort = 1024 + random.nextInt(65536 - 1024);
        if (f.ipv6)
        {
            // IPv6 clients in 2001:2::/48, the IPv6 benchmarking range.
            into.set(f.protocol, true, 0x2001_0002_0000_0000L, client & 0xFFFF_FFFFL, clientPort, f.addrHi, f.addrLo,
                f.port, flags);
        }
        else
        {
            into.set(f.protocol, false, 0, Addresses.ipv4Lo(client), clientPort, f.addrHi, f.addrLo, f.port, flags);
        }
        return true;
    }
}
