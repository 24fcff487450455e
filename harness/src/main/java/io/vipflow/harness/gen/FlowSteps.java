package io.vipflow.harness.gen;

import io.vipflow.packet.PacketTuple;

import java.util.SplittableRandom;

/**
 * The TCP flag sequences of the {@link FlowKind}s, one step per packet; kept apart from the generator, which is
 * about arrivals and ordering.
 * <p>
 * Thread contract: stateless.
 */
final class FlowSteps
{
    private static final long MICRO = 1_000L;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private FlowSteps()
    {
    }

    /** @return this step's flags; moves {@code f} to its next step and time, or to step -1 when done. */
    static int advance(final TrafficFlow f, final TrafficGenerator g)
    {
        final SplittableRandom r = g.random();
        switch (f.kind)
        {
            case HTTP: return http(f, r);
            case LONG_LIVED: return longLived(f, g);
            case DNS:
                f.step = f.step == 0 && f.variant ? 1 : -1;
                f.next += SECOND;
                return 0;
            case SYN_FLOOD:
                f.step = -1;
                return PacketTuple.TCP_SYN;
            default:
                if (f.step == 0)
                {
                    f.step = f.variant ? 1 : -1;
                    f.next += f.rtt;
                    return PacketTuple.TCP_SYN;
                }
                f.step = -1;
                return PacketTuple.TCP_RST;
        }
    }

    private static int http(final TrafficFlow f, final SplittableRandom r)
    {
        final int ack = PacketTuple.TCP_ACK;
        switch (f.step)
        {
            case 0:
                f.step = 1;
                f.next += f.rtt;
                return PacketTuple.TCP_SYN;
            case 1:
                f.step = 2;
                f.next += 10 * MICRO + r.nextLong(90 * MICRO);
                return ack;
            case 2:
                f.step = f.dataLeft > 0 ? 3 : 4;
                f.next += MILLI + r.nextLong(49 * MILLI);
                return ack | PacketTuple.TCP_PSH;
            case 3:
                f.step = --f.dataLeft > 0 ? 3 : 4;
                f.next += 100 * MICRO + r.nextLong(900 * MICRO);
                return ack;
            case 4:
                f.step = f.variant ? -1 : 5;
                f.next += f.rtt;
                return ack | (f.variant ? PacketTuple.TCP_RST : PacketTuple.TCP_FIN);
            default:
                f.step = -1;
                return ack;
        }
    }

    private static int longLived(final TrafficFlow f, final TrafficGenerator g)
    {
        final int ack = PacketTuple.TCP_ACK;
        final long interval = Math.round(g.model().longIntervalSeconds() * 1e9);
        switch (f.step)
        {
            case 0:
                f.step = 1;
                f.next += f.rtt;
                return PacketTuple.TCP_SYN;
            case 1:
            case 2:
                final int flags = f.step == 1 ? ack : ack | PacketTuple.TCP_PSH;
                final long gap = interval / 2 + g.random().nextLong(interval);
                f.step = f.next + gap < f.endAt ? 2 : 3;
                f.next += f.step == 2 ? gap : f.rtt;
                return flags;
            case 3:
                f.step = 4;
                f.next += f.rtt;
                return ack | PacketTuple.TCP_FIN;
            default:
                f.step = -1;
                return ack;
        }
    }
}
