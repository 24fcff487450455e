package io.vipflow.harness.soak;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Memory at one moment of a soak: heap in use right after a full collection (the live set, so garbage waiting for
 * the collector does not read as growth) and the JVM's direct and mapped buffer pools (the connection table, the
 * counters and the queues' off-heap memory live there).
 * <p>
 * Thread contract: immutable; {@link #take} may be called from any thread, and collects the whole heap.
 *
 * @param heapUsedBytes   heap in use after {@link System#gc()}.
 * @param directBytes     memory held by direct buffers.
 * @param directBuffers   direct buffers alive.
 * @param mappedBytes     memory held by mapped buffers.
 */
public record MemorySample(long heapUsedBytes, long directBytes, long directBuffers, long mappedBytes)
{
    /** Collects twice (the second pass frees what the first left to reference processing), then reads. */
    public static MemorySample take()
    {
        System.gc();
        System.gc();
        long direct = 0;
        long buffers = 0;
        long mapped = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool.getMemoryUsed();
                buffers = pool.getCount();
            }
            else if ("mapped".equals(pool.getName()))
            {
                mapped = pool.getMemoryUsed();
            }
        }
        return new MemorySample(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), direct, buffers,
            mapped);
    }
}
