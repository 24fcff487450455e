package io.vipflow.harness.output;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * While armed, SIGINT and SIGTERM end the process at once: every pending output's temporary file is removed, one
 * line says what was interrupted, and the JVM halts with 128 + the signal's number, without running shutdown hooks.
 * For a command waiting on a thread it cannot interrupt (Chronicle Map spinning on a segment lock): a library's
 * exit hook would wait for that thread, so an ordinary shutdown would ignore the signal until the wait ran out.
 * Closing restores the handlers that were there before.
 * <p>
 * Thread contract: armed and closed by one thread; the handlers run on the JVM's signal thread.
 */
public final class HardStopOnSignal implements AutoCloseable
{
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private HardStopOnSignal(final String what, final PrintStream err)
    {
        for (final String name : SIGNALS)
        {
            final Signal signal = new Signal(name);
            try
            {
                previous.add(Signal.handle(signal, s ->
                {
                    OutputFile.removeAllPending();
                    err.println("vipflow: interrupted by SIG" + s.getName() + " while " + what);
                    err.flush();
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }));
                signals.add(signal);
            }
            catch (final IllegalArgumentException ex)
            {
                // The signal is ignored (a background job started with it ignored) or reserved: leave it so.
            }
        }
    }

    /**
     * @param what what the command is doing, for the line printed on a signal ("waiting for t.cmap's lock")
     */
    public static HardStopOnSignal arm(final String what)
    {
        return new HardStopOnSignal(what, System.err);
    }

    @Override
    public void close()
    {
        for (int i = 0; i < signals.size(); i++)
        {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
