package io.vipflow.service;

import io.vipflow.sched.ConnCounters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ids of Service ports and backends, and the connection counters that go with backend ids. An id lives while
 * its key is in use and is never handed out again; connection entries refer to backends by id.
 * Ids are released by key when the one Service that uses the key is recompiled without it or removed, so the
 * bookkeeping of a publish is proportional to the Services it recompiles.
 * <p>
 * With a file, the registry is saved at every publish that changes it (written to a temporary file, then
 * renamed) and loaded at start, so that a restarted process gives every backend the id its persisted
 * connections refer to. One line per id: {@code S|B <id> <key>}, then {@code N <nextServicePortId>
 * <nextBackendId>}. Control-plane thread only.
 */
final class BackendIds
{
    private final Path file;
    private final Map<String, Integer> servicePortIds = new HashMap<>();
    private final Map<String, Integer> backendIds = new HashMap<>();
    private final Map<Integer, ConnCounters> countersById = new HashMap<>();
    /** Keys loaded from the file that no publish has asked for yet; dropped at the end of the first publish. */
    private Set<String> loadedUnclaimed = new HashSet<>();
    private int nextServicePortId = 1;
    private int nextBackendId = 1;
    private boolean dirty;

    BackendIds(final Path file)
    {
        this.file = file;
        if (file != null && Files.exists(file))
        {
            load(file);
        }
    }

    int servicePortId(final String key)
    {
        claim(key);
        return servicePortIds.computeIfAbsent(key, k ->
        {
            dirty = true;
            return nextServicePortId++;
        });
    }

    int backendId(final String key)
    {
        claim(key);
        return backendIds.computeIfAbsent(key, k ->
        {
            dirty = true;
            return nextBackendId++;
        });
    }

    ConnCounters counters(final int backendId)
    {
        return countersById.computeIfAbsent(backendId, k -> new ConnCounters());
    }

    /**
     * Forgets the ids of keys no longer in use (a Service port or backend that left): their ids are never handed
     * out again. O(1) a key: every key belongs to one Service, so the caller knows which keys a recompiled or
     * removed Service gave up.
     */
    void releaseServicePort(final String key)
    {
        dirty |= servicePortIds.remove(key) != null;
    }

    /** As {@link #releaseServicePort}, for a backend key; its connection counters go too. */
    void releaseBackend(final String key)
    {
        final Integer id = backendIds.remove(key);
        if (id != null)
        {
            dirty = true;
            countersById.remove(id);
        }
    }

    /** Backend keys holding an id (for tests). */
    int backendCount()
    {
        return backendIds.size();
    }

    private void claim(final String key)
    {
        if (loadedUnclaimed != null)
        {
            loadedUnclaimed.remove(key);
        }
    }

    /**
     * Ends a publish: saves when anything changed since the last save. The first one also forgets the loaded ids
     * that no Service asked for.
     */
    void endPublish()
    {
        if (loadedUnclaimed != null)
        {
            for (final String key : loadedUnclaimed)
            {
                releaseServicePort(key);
                releaseBackend(key);
            }
            loadedUnclaimed = null;
        }
        if (dirty && file != null)
        {
            save();
        }
        dirty = false;
    }

    private void save()
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))
        {
            for (final Map.Entry<String, Integer> e : new TreeMap<>(servicePortIds).entrySet())
            {
                w.write("S " + e.getValue() + " " + e.getKey() + "\n");
            }
            for (final Map.Entry<String, Integer> e : new TreeMap<>(backendIds).entrySet())
            {
                w.write("B " + e.getValue() + " " + e.getKey() + "\n");
            }
            w.write("N " + nextServicePortId + " " + nextBackendId + "\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot save backend ids: " + ex.getMessage(), ex);
        }
        try
        {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot save backend ids: " + ex.getMessage(), ex);
        }
    }

    private void load(final Path from)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(from, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(from + ": " + ex.getMessage(), ex);
        }
        for (int i = 0; i < lines.size(); i++)
        {
            final String[] parts = lines.get(i).split(" ", 3);
            try
            {
                switch (parts[0])
                {
                    case "S" ->
                    {
                        servicePortIds.put(parts[2], Integer.parseInt(parts[1]));
                        loadedUnclaimed.add(parts[2]);
                    }
                    case "B" ->
                    {
                        backendIds.put(parts[2], Integer.parseInt(parts[1]));
                        loadedUnclaimed.add(parts[2]);
                    }
                    case "N" ->
                    {
                        nextServicePortId = Integer.parseInt(parts[1]);
                        nextBackendId = Integer.parseInt(parts[2]);
                    }
                    default -> throw new IllegalArgumentException("unknown record '" + parts[0] + "'");
                }
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(from + ": line " + (i + 1) + ": not a backend id record: " +
                    lines.get(i));
            }
        }
    }
}
