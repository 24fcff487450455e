package io.vipflow.harness.sim;

import java.io.IOException;

/**
 * A scenario file is not well-formed YAML or breaks a rule of the scenario format. The message is one line naming
 * the file, the position and the field: {@code node-failure.yaml: line 12, column 15: churn[1].nodeFailure.node: 14
 * is not a node of this cluster (1..10)}.
 * <p>
 * Thread contract: immutable once thrown.
 */
public final class ScenarioFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    ScenarioFormatException(final String source, final int line, final int column, final String path,
        final String detail)
    {
        super(source + (line > 0 ? ": line " + line + ", column " + column : "") +
            (path == null || path.isEmpty() ? "" : ": " + path) + ": " + detail);
        this.line = line;
        this.column = column;
    }

    /** @return 1-based line of the problem, 0 when unknown. */
    public int getLine()
    {
        return line;
    }

    /** @return 1-based column of the problem, 0 when unknown. */
    public int getColumn()
    {
        return column;
    }
}
