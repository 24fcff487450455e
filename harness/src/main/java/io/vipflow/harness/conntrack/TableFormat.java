package io.vipflow.harness.conntrack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The two kinds of connection table file, and how to tell them apart. */
public enum TableFormat
{
    /** Decide from the file's first bytes. */
    AUTO,
    /** A vipflow table ({@code ConnTable.mapped}). */
    TABLE,
    /** A Chronicle Map table ({@code ChronicleConnTable}). */
    CHRONICLE;

    /** Parses a format name in any case: {@code --format chronicle}. */
    static final class Parser implements picocli.CommandLine.ITypeConverter<TableFormat>
    {
        @Override
        public TableFormat convert(final String value)
        {
            try
            {
                return valueOf(value.toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a table format (auto, table or chronicle)");
            }
        }
    }

    /** The names the help text lists. */
    static final class Names extends java.util.ArrayList<String>
    {
        private static final long serialVersionUID = 1L;

        Names()
        {
            super(List.of("auto", "table", "chronicle"));
        }
    }

    /** Chronicle Map writes its configuration as text at the start of the file, naming its map class. */
    private static final String CHRONICLE_MARKER = "net.openhft.chronicle.map.";
    private static final int PROBE_BYTES = 4096;

    /**
     * This format, or for {@link #AUTO} the file's: {@link #CHRONICLE} if its header names Chronicle Map,
     * otherwise {@link #TABLE} (whose own header check then reports a file that is neither).
     */
    TableFormat resolve(final Path file) throws IOException
    {
        if (this != AUTO)
        {
            return this;
        }
        final byte[] head = new byte[PROBE_BYTES];
        final int n;
        try (InputStream in = Files.newInputStream(file))
        {
            n = in.readNBytes(head, 0, head.length);
        }
        return new String(head, 0, n, StandardCharsets.ISO_8859_1).contains(CHRONICLE_MARKER) ? CHRONICLE : TABLE;
    }
}
