package io.vipflow.bench.baseline;

import io.vipflow.Classifier;
import io.vipflow.ClassifierConfig;
import io.vipflow.Decision;
import io.vipflow.Verdict;
import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.packet.LinkType;
import io.vipflow.packet.PacketTuple;
import io.vipflow.service.ControlPlane;
import org.agrona.DirectBuffer;

/** vipflow's {@link Classifier}, one packet at a time through {@code classifyFrame} or batched through {@code classifyFrames}. */
final class VipflowPipeline extends Pipeline
{
    /** The largest batch a lane accepts. */
    static final int MAX_BATCH = 64;

    private final Classifier classifier;

    VipflowPipeline(final ControlPlane controlPlane, final ConnTimeouts timeouts, final int capacity)
    {
        classifier = new Classifier(controlPlane, ClassifierConfig.defaults()
            .withConnectionCapacity(capacity).withAffinityCapacity(1024).withTimeouts(timeouts));
    }

    @Override
    public Lane lane()
    {
        final Decision decision = new Decision();
        final Decision[] out = new Decision[MAX_BATCH];
        final PacketTuple[] scratch = new PacketTuple[MAX_BATCH];
        for (int i = 0; i < MAX_BATCH; i++)
        {
            out[i] = new Decision();
        }
        return new Lane()
        {
            @Override
            public int classifyFrame(final DirectBuffer buffer, final int offset, final int length, final long nowNanos)
            {
                classifier.classifyFrame(buffer, offset, length, length, LinkType.ETHERNET, nowNanos, decision);
                return decision.verdict() == Verdict.DNAT ? decision.backend().id : -1;
            }

            @Override
            public int classifyFrames(final DirectBuffer buffer, final int[] offsets, final int[] lengths,
                final int count, final long nowNanos)
            {
                classifier.classifyFrames(buffer, offsets, lengths, count, LinkType.ETHERNET, nowNanos, out, scratch);
                int sum = 0;
                for (int i = 0; i < count; i++)
                {
                    sum += out[i].verdict() == Verdict.DNAT ? out[i].backend().id : -1;
                }
                return sum;
            }

            @Override
            public boolean created()
            {
                return decision.newFlow();
            }
        };
    }

    @Override
    public void close()
    {
        classifier.close();
    }
}
