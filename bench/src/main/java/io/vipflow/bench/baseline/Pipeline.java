package io.vipflow.bench.baseline;

import io.vipflow.conntrack.ConnTimeouts;
import io.vipflow.service.ControlPlane;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * One classify pipeline under benchmark: parse an Ethernet frame, find its frontend, look its flow up and, on a
 * miss, pick a backend with the Service's scheduler and insert the flow. vipflow's {@code Classifier} is one; the
 * others run the same steps over the same control-plane snapshot with a different flow table, so that the
 * difference between them is the flow table and what its API makes each packet do.
 * <p>
 * Thread contract: the pipeline is shared by the benchmark threads; each thread classifies through its own
 * {@link Lane}, which holds its scratch objects.
 */
public abstract class Pipeline implements AutoCloseable
{
    /** vipflow's {@code Classifier} over its off-heap {@code ConnTable}. */
    public static final String VIPFLOW = "ConnTable";
    /** The same steps over core's {@code ChronicleConnTable} (a Chronicle Map). */
    public static final String CHRONICLE = "ChronicleConnTable";
    /** The same steps over {@code ConcurrentHashMap<FlowRecord, FlowEntry>}. */
    public static final String CONCURRENT_HASH_MAP = "ConcurrentHashMap";
    /** The same steps over JCTools {@code NonBlockingHashMapLong<KeyedFlowEntry>} keyed by the flow hash. */
    public static final String NON_BLOCKING_HASH_MAP_LONG = "NonBlockingHashMapLong";
    /** The pipelines built on other maps, for comparison; they allocate by design. */
    public static final List<String> BASELINES = List.of(CHRONICLE, CONCURRENT_HASH_MAP, NON_BLOCKING_HASH_MAP_LONG);

    /** Per-thread access to a pipeline. Owned by one thread. */
    public interface Lane
    {
        /**
         * Classifies one Ethernet frame of {@code length} bytes at {@code offset}.
         *
         * @return the id of the backend the packet goes to, or -1 when it is not forwarded
         */
        int classifyFrame(DirectBuffer buffer, int offset, int length, long nowNanos);

        /**
         * Classifies {@code count} frames as one batch, all at {@code nowNanos}.
         *
         * @return the sum of the backend ids chosen (a value for the caller to consume)
         */
        int classifyFrames(DirectBuffer buffer, int[] offsets, int[] lengths, int count, long nowNanos);

        /** True when the last {@link #classifyFrame} created a flow entry (for checks outside measurement). */
        boolean created();
    }

    /**
     * @param impl         {@link #VIPFLOW} or one of {@link #BASELINES}
     * @param controlPlane published Services and endpoints
     * @param timeouts     per-state timeouts, the same for every pipeline
     * @param capacity     flows the table must hold
     */
    public static Pipeline create(final String impl, final ControlPlane controlPlane, final ConnTimeouts timeouts,
        final int capacity)
    {
        switch (impl)
        {
            case VIPFLOW: return new VipflowPipeline(controlPlane, timeouts, capacity);
            case CHRONICLE: return new ChronicleMapPipeline(controlPlane, timeouts, capacity);
            case CONCURRENT_HASH_MAP: return new ConcurrentHashMapPipeline(controlPlane, timeouts, capacity);
            case NON_BLOCKING_HASH_MAP_LONG: return new NonBlockingHashMapLongPipeline(controlPlane, timeouts, capacity);
            default: throw new IllegalArgumentException("unknown pipeline " + impl + "; known: " + VIPFLOW + ", " +
                String.join(", ", BASELINES));
        }
    }

    public abstract Lane lane();

    @Override
    public abstract void close();
}
