package io.vipflow.harness.k8s;

import java.io.IOException;

/**
 * A file of Kubernetes objects or churn events is not well-formed, or an object in it breaks a rule of the
 * Kubernetes API. The message is one line naming the file, the position and what is wrong, e.g.
 * {@code cluster.json: line 12, column 5: items[2] (Service store/frontend): spec.ports[0].port 70000 out of range
 * 1..65535}; for YAML the position also names the document ({@code document 2, line 40, column 7}).
 * <p>
 * Thread contract: immutable once thrown.
 */
public final class KubeFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;

    /**
     * @param source  the file name as given by the caller.
     * @param line    1-based line of the problem, 0 when unknown.
     * @param column  1-based column of the problem, 0 when unknown.
     * @param message the whole one-line message, starting with the source and the position.
     */
    KubeFormatException(final String source, final int line, final int column, final String message)
    {
        super(message);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /**
     * @return the file name as given by the caller.
     */
    public String getSource()
    {
        return source;
    }

    /**
     * @return 1-based line of the problem, 0 when unknown.
     */
    public int getLine()
    {
        return line;
    }

    /**
     * @return 1-based column of the problem, 0 when unknown.
     */
    public int getColumn()
    {
        return column;
    }
}
