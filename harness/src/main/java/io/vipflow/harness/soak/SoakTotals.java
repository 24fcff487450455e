package io.vipflow.harness.soak;

import io.vipflow.Verdict;
import io.vipflow.testkit.oracle.OracleRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a soak counted: the rounds' figures, the oracle's findings, counter disagreements, churn events,
 * verdicts and the classifier's counters at the end.
 * <p>
 * Thread contract: filled by the soak's generator thread; read after {@link Soak#run} returns.
 */
public final class SoakTotals
{
    final List<Soak.Round> rounds = new ArrayList<>();
    final long[] checkedPerWorker;
    final Map<String, Long> oracleByKind = new TreeMap<>();
    final List<String> oracleExamples = new ArrayList<>();
    final List<String> counterViolations = new ArrayList<>();
    final Map<String, Long> verdicts = new LinkedHashMap<>();
    private final int examplesKept;
    long churnEvents;
    long oracleChecked;
    long oracleViolations;
    long explainedByEviction;
    long counterViolationCount;
    Map<String, Long> counters = Map.of();

    SoakTotals(final int workers, final int examplesKept)
    {
        this.checkedPerWorker = new long[workers];
        this.examplesKept = examplesKept;
    }

    /** Adds one round's oracle shards, one per worker. */
    void oracle(final OracleRun[] shards)
    {
        for (int w = 0; w < shards.length; w++)
        {
            checkedPerWorker[w] += shards[w].checked();
            oracleChecked += shards[w].checked();
            oracleViolations += shards[w].violations();
            explainedByEviction += shards[w].explainedByEviction();
            shards[w].violationsByKind().forEach((k, v) -> oracleByKind.merge(k, v, Long::sum));
            for (final String e : shards[w].examples())
            {
                if (oracleExamples.size() < examplesKept)
                {
                    oracleExamples.add(e);
                }
            }
        }
    }

    void counterViolation(final String text)
    {
        counterViolationCount++;
        if (counterViolations.size() < examplesKept)
        {
            counterViolations.add(text);
        }
    }

    void verdicts(final long[] byOrdinal)
    {
        for (final Verdict v : Verdict.values())
        {
            verdicts.put(v.name(), byOrdinal[v.ordinal()]);
        }
    }

    public List<Soak.Round> rounds()
    {
        return rounds;
    }

    public long oracleChecked()
    {
        return oracleChecked;
    }

    public long oracleViolations()
    {
        return oracleViolations;
    }

    /** Decisions the model allowed only because the table, overfilled by the flood, may have evicted an entry. */
    public long explainedByEviction()
    {
        return explainedByEviction;
    }

    public Map<String, Long> oracleByKind()
    {
        return oracleByKind;
    }

    public List<String> oracleExamples()
    {
        return oracleExamples;
    }

    /** @return decisions checked by each worker's reference model: each worker's share of the traffic. */
    public long[] checkedPerWorker()
    {
        return checkedPerWorker.clone();
    }

    public long counterViolations()
    {
        return counterViolationCount;
    }

    public List<String> counterViolationExamples()
    {
        return counterViolations;
    }

    public long churnEvents()
    {
        return churnEvents;
    }

    public Map<String, Long> verdicts()
    {
        return verdicts;
    }

    /** @return the classifier's counters at the end, by label. */
    public Map<String, Long> counters()
    {
        return counters;
    }
}
