package io.vipflow.harness.output;

import java.io.IOException;

/** An output path the command will not write to (one of its inputs, a directory, a link, a FIFO or device). */
public final class OutputRefusedException extends IOException
{
    private static final long serialVersionUID = 1L;

    OutputRefusedException(final String message)
    {
        super(message);
    }
}
