package io.vipflow.harness.sample;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vipflow sample}: write the replay sample (a capture, its cluster and its churn) into a folder. */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Write a small replay case: trace.pcap, trace.pcapng, cluster.json and churn.jsonl.")
public final class SampleCommand implements Callable<Integer>
{
    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Folder to write the four files to.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        ReplaySample.write(out);
        spec.commandLine().getOut().println("wrote " + out.resolve("cluster.json") + ", churn.jsonl, trace.pcap and " +
            "trace.pcapng (" + ReplaySample.PACKETS + " packets)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
