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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ids of Service ports and backends, and the connection counters that go with backend ids. An id lives while
 * its key is in use and is never handed out again; connection entries refer to backends by id.
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
    private final Set<String> used = new HashSet<>();
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

    /** Starts a publish: ids not used by its end are dropped. */
    void beginPublish()
    {
        used.clear();
    }

    int servicePortId(final String key)
    {
        used.add(key);
        return servicePortIds.computeIfAbsent(key, k ->
        {
            dirty = true;
            return nextServicePortId++;
        });
    }

    int backendId(final String key)
    {
        used.add(key);
        return backendIds.computeIfAbsent(key, k ->
        {
            dirty = true;
            return nextBackendId++;
        });
    }

    /** Marks a key as still in use without asking for its id (for Services whose compiled form is reused). */
    void keep(final String key)
    {
        used.add(key);
    }

    ConnCounters counters(final int backendId)
    {
        return countersById.computeIfAbsent(backendId, k -> new ConnCounters());
    }

    /** Ends a publish: forgets ids not used since {@link #beginPublish}, and saves when anything changed. */
    void endPublish()
    {
        dirty |= servicePortIds.keySet().retainAll(used);
        dirty |= backendIds.keySet().retainAll(used);
        countersById.keySet().retainAll(backendIds.values());
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
                    case "S" -> servicePortIds.put(parts[2], Integer.parseInt(parts[1]));
                    case "B" -> backendIds.put(parts[2], Integer.parseInt(parts[1]));
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
