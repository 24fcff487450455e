package io.vipflow.bench;

import io.vipflow.conntrack.ConnState;
import io.vipflow.conntrack.ConnTable;
import io.vipflow.conntrack.ConnView;
import io.vipflow.conntrack.FlowKey;
import io.vipflow.conntrack.chronicle.ChronicleConnTable;
import io.vipflow.conntrack.chronicle.ChronicleConnView;
import org.jctools.maps.NonBlockingHashMapLong;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The implementations {@link ConnTrackBenchmark} compares. Each does a flow's work the way its API invites. */
final class ConnTrackSubjects
{
    private ConnTrackSubjects()
    {
    }

    /** vipflow's {@link ConnTable}: in direct memory, or in a memory-mapped file in a temporary directory. */
    static final class VipflowTable extends ConnTrackSubject
    {
        private final ConnTable table;
        private final Path dir;

        VipflowTable(final int capacity, final boolean mapped)
        {
            dir = mapped ? tempDir() : null;
            table = mapped ? ConnTable.mapped(dir.resolve("conntrack.table"), capacity) : new ConnTable(capacity);
        }

        @Override
        Ops ops()
        {
            final ConnView view = new ConnView();
            return new Ops()
            {
                @Override
                public int lookup(final FlowKey key, final long nowNanos)
                {
                    return table.lookup(key, nowNanos, view) ? view.backendId() : -1;
                }

                @Override
                public int createThenDelete(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    if (table.getOrCreate(key, backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos, view) !=
                        ConnTable.CREATED || !table.delete(view))
                    {
                        return -1;
                    }
                    return view.backendId();
                }

                @Override
                public boolean create(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    return table.getOrCreate(key, backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos, view) ==
                        ConnTable.CREATED;
                }
            };
        }

        @Override
        int sweep(final long nowNanos)
        {
            return table.expire(0, table.slotCount(), nowNanos);
        }

        @Override
        long size()
        {
            return table.countLive();
        }

        @Override
        public void close()
        {
            table.close();
            deleteTree(dir);
        }
    }

    /** vipflow's {@link ChronicleConnTable}, in a file in a temporary directory. */
    static final class Chronicle extends ConnTrackSubject
    {
        private final ChronicleConnTable table;
        private final Path dir = tempDir();

        Chronicle(final int capacity)
        {
            table = ChronicleConnTable.open(dir.resolve("conntrack.cmap"), capacity);
        }

        @Override
        Ops ops()
        {
            final ChronicleConnView view = new ChronicleConnView();
            return new Ops()
            {
                @Override
                public int lookup(final FlowKey key, final long nowNanos)
                {
                    return table.lookup(key, nowNanos, view) ? view.backendId() : -1;
                }

                @Override
                public int createThenDelete(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    if (table.getOrCreate(key, backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos, view) !=
                        ConnTable.CREATED || !table.delete(view))
                    {
                        return -1;
                    }
                    return view.backendId();
                }

                @Override
                public boolean create(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    return table.getOrCreate(key, backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos, view) ==
                        ConnTable.CREATED;
                }
            };
        }

        @Override
        int sweep(final long nowNanos)
        {
            return table.expire(0, table.segments(), nowNanos);
        }

        @Override
        long size()
        {
            return table.size();
        }

        @Override
        public void close()
        {
            table.close();
            deleteTree(dir);
        }
    }

    /** The plain Java choice: a record key, an immutable record value, changes by replace/remove. */
    record FlowKeyRecord(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort)
    {
        static FlowKeyRecord of(final FlowKey k)
        {
            return new FlowKeyRecord(k.protocol, k.srcHi, k.srcLo, k.srcPort, k.dstHi, k.dstLo, k.dstPort);
        }
    }

    record ConnValue(int backendId, int state, long expiryNanos, long createdNanos)
    {
    }

    /** {@code ConcurrentHashMap<FlowKeyRecord, ConnValue>}. */
    static final class RecordMap extends ConnTrackSubject
    {
        private final ConcurrentHashMap<FlowKeyRecord, ConnValue> map;

        RecordMap(final int capacity)
        {
            map = new ConcurrentHashMap<>(capacity);
        }

        @Override
        Ops ops()
        {
            return new Ops()
            {
                @Override
                public int lookup(final FlowKey key, final long nowNanos)
                {
                    final ConnValue v = map.get(FlowKeyRecord.of(key));
                    return v != null && v.expiryNanos() - nowNanos > 0 ? v.backendId() : -1;
                }

                @Override
                public int createThenDelete(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    final FlowKeyRecord k = FlowKeyRecord.of(key);
                    final ConnValue v = new ConnValue(backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos);
                    return map.putIfAbsent(k, v) == null && map.remove(k, v) ? backendId : -1;
                }

                @Override
                public boolean create(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    return map.putIfAbsent(FlowKeyRecord.of(key),
                        new ConnValue(backendId, ConnState.ESTABLISHED, expiryNanos, nowNanos)) == null;
                }
            };
        }

        @Override
        int sweep(final long nowNanos)
        {
            return map.values().removeIf(v -> v.expiryNanos() - nowNanos <= 0) ? 1 : 0;
        }

        @Override
        long size()
        {
            return map.size();
        }

        @Override
        public void close()
        {
            map.clear();
        }
    }

    /** An entry of {@link HashKeyedMap}: the full key (to tell colliding flows apart) and the value. */
    static final class HashedEntry
    {
        final long hash;
        final int protocol;
        final long srcHi;
        final long srcLo;
        final int srcPort;
        final long dstHi;
        final long dstLo;
        final int dstPort;
        final int backendId;
        final long expiryNanos;
        final long createdNanos;

        HashedEntry(final FlowKey k, final int backendId, final long expiryNanos, final long createdNanos)
        {
            hash = k.hash;
            protocol = k.protocol;
            srcHi = k.srcHi;
            srcLo = k.srcLo;
            srcPort = k.srcPort;
            dstHi = k.dstHi;
            dstLo = k.dstLo;
            dstPort = k.dstPort;
            this.backendId = backendId;
            this.expiryNanos = expiryNanos;
            this.createdNanos = createdNanos;
        }

        boolean matches(final FlowKey k)
        {
            return srcLo == k.srcLo && srcPort == k.srcPort && dstLo == k.dstLo && dstPort == k.dstPort &&
                protocol == k.protocol && srcHi == k.srcHi && dstHi == k.dstHi;
        }
    }

    /**
     * JCTools {@code NonBlockingHashMapLong} keyed by the flow's 64-bit {@code FlowHash}, the full key kept in the
     * value and compared on every lookup. Collisions: a flow whose hash equals a live entry's of another flow is
     * refused (as a full bucket is), and a lookup that finds another flow's entry is a miss. With a 64-bit hash
     * that takes about N^2 / 2^65 pairs among N live flows: 3e-8 at a million.
     */
    static final class HashKeyedMap extends ConnTrackSubject
    {
        private final NonBlockingHashMapLong<HashedEntry> map;

        HashKeyedMap(final int capacity)
        {
            map = new NonBlockingHashMapLong<>(capacity);
        }

        @Override
        Ops ops()
        {
            return new Ops()
            {
                @Override
                public int lookup(final FlowKey key, final long nowNanos)
                {
                    final HashedEntry e = map.get(key.hash);
                    return e != null && e.matches(key) && e.expiryNanos - nowNanos > 0 ? e.backendId : -1;
                }

                @Override
                public int createThenDelete(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    final HashedEntry e = new HashedEntry(key, backendId, expiryNanos, nowNanos);
                    return map.putIfAbsent(key.hash, e) == null && map.remove(key.hash, e) ? backendId : -1;
                }

                @Override
                public boolean create(final FlowKey key, final int backendId, final long expiryNanos,
                    final long nowNanos)
                {
                    return map.putIfAbsent(key.hash, new HashedEntry(key, backendId, expiryNanos, nowNanos)) == null;
                }
            };
        }

        @Override
        int sweep(final long nowNanos)
        {
            int removed = 0;
            for (final HashedEntry e : map.values())
            {
                if (e.expiryNanos - nowNanos <= 0 && map.remove(e.hash, e))
                {
                    removed++;
                }
            }
            return removed;
        }

        @Override
        long size()
        {
            return map.size();
        }

        @Override
        public void close()
        {
            map.clear();
        }
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("vipflow-conntrack-bench");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteTree(final Path dir)
    {
        if (dir == null)
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
