package io.vipflow.harness.demo;

import io.vipflow.packet.PacketTuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic client traffic for the demo, one simulated second at a time: short HTTP-like TCP connections
 * (SYN, ACK, request, FIN), long-lived TCP connections that send every second, and DNS-like UDP queries.
 * Deterministic for its random source.
 */
final class Traffic
{
    private static final int CLIENTS = 250;
    private static final int SHORT_PER_SECOND = 3_000;
    private static final int LONG_FLOWS = 400;
    private static final int DNS_PER_SECOND = 1_000;
    private static final int CLIENT_BASE = 0x0a010000; // 10.1.0.0/16

    /** One packet: who sends it, when within the second, and its flags. */
    record Packet(int protocol, int client, int clientPort, int flags, long offsetNanos, int longFlow)
    {
        boolean udp()
        {
            return protocol == PacketTuple.PROTO_UDP;
        }
    }

    private final SplittableRandom random;
    private final Map<Integer, String> firstBackend = new HashMap<>();
    private final Map<Integer, String> lastBackend = new HashMap<>();
    private int nextPort = 1024;

    Traffic(final SplittableRandom random)
    {
        this.random = random;
    }

    List<Packet> second(final int second)
    {
        final List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < LONG_FLOWS; i++)
        {
            final int client = CLIENT_BASE | (i % CLIENTS);
            final int port = 40_000 + i;
            if (second == 0)
            {
                packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_SYN, 1_000L * i, i));
                packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_ACK, 1_000L * i + 500, i));
            }
            else
            {
                packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH,
                    random.nextLong(Demo.SECOND / 2), i));
            }
        }
        for (int i = 0; i < SHORT_PER_SECOND; i++)
        {
            final int client = CLIENT_BASE | random.nextInt(CLIENTS);
            final int port = nextPort();
            final long t = random.nextLong(Demo.SECOND / 2);
            packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_SYN, t, -1));
            packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_ACK, t + 1_000, -1));
            packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_ACK | PacketTuple.TCP_PSH,
                t + 2_000, -1));
            packets.add(new Packet(PacketTuple.PROTO_TCP, client, port, PacketTuple.TCP_FIN | PacketTuple.TCP_ACK,
                t + 50_000_000, -1));
        }
        for (int i = 0; i < DNS_PER_SECOND; i++)
        {
            packets.add(new Packet(PacketTuple.PROTO_UDP, CLIENT_BASE | random.nextInt(CLIENTS), nextPort(), 0,
                random.nextLong(Demo.SECOND), -1));
        }
        packets.sort((a, b) -> Long.compare(a.offsetNanos(), b.offsetNanos()));
        return packets;
    }

    private int nextPort()
    {
        nextPort = nextPort >= 65_535 ? 1024 : nextPort + 1;
        return nextPort;
    }

    void observe(final Packet p, final String backend)
    {
        if (p.longFlow() >= 0)
        {
            firstBackend.putIfAbsent(p.longFlow(), backend);
            lastBackend.put(p.longFlow(), backend);
        }
    }

    int longFlows()
    {
        return firstBackend.size();
    }

    /** Long-lived flows that changed backend although their first backend was never removed: must be 0. */
    int longFlowsMoved(final Collection<String> removed)
    {
        int moved = 0;
        for (final Map.Entry<Integer, String> e : firstBackend.entrySet())
        {
            if (!removed.contains(e.getValue()) && !e.getValue().equals(lastBackend.get(e.getKey())))
            {
                moved++;
            }
        }
        return moved;
    }

    /** Long-lived flows whose first backend was removed: they had to move (or fail). */
    int longFlowsOn(final Collection<String> removed)
    {
        return (int)firstBackend.values().stream().filter(removed::contains).count();
    }
}
