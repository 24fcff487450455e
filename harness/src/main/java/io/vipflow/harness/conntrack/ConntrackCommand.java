package io.vipflow.harness.conntrack;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vipflow conntrack}: tools for connection table files. */
@Command(name = "conntrack", mixinStandardHelpOptions = true, subcommands = DumpCommand.class,
    description = "Inspect connection table files.")
public final class ConntrackCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
