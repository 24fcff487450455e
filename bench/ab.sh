#!/usr/bin/env bash
# Alternating A/B rounds of two or more builds of the benchmarks (README, "Benchmarks and the regression gate").
# On a machine whose speed drifts between forks and within one (bench/RESULTS.md), a run of build A followed by a run of
# build B compares the drift as much as the builds. Here every round runs one fork of each build in turn, so a drift
# meets the builds alike, and each fork's iterations are printed, so a slow fork shows as one.
#
#   bench/ab.sh ROUNDS REGEX JAR_A JAR_B [JAR ...] [-- JMH_ARGS ...]
#
# For example, with the build before a change copied aside:
#   cp bench/target/benchmarks.jar /tmp/before.jar     # then change, and build again
#   bench/ab.sh 4 'ClassifyBenchmark.newFlow$' /tmp/before.jar bench/target/benchmarks.jar -- -p impl=ConnTable -p flows=10000
#
# Each fork runs -wi 2 -w 1 -i ITERATIONS (default 3) -r 1 -f 1 -prof io.vipflow.bench.CpuTimeProfiler, at nice -15
# when allowed. A line per benchmark, parameter set and fork: round, jar, benchmark, parameters, then the CPU time per
# operation of each measured iteration (cpu.time.norm, ns). JMH's whole output of a fork goes to AB_LOGS (default
# bench/target/ab), one file per round and jar.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=$1
regex=$2
shift 2
jars=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  [ -f "$1" ] || { echo "ab.sh: no such jar: $1" >&2; exit 2; }
  jars+=("$1")
  shift
done
[ $# -gt 0 ] && shift
[ "${#jars[@]}" -ge 2 ] || { echo "ab.sh: give at least two jars" >&2; exit 2; }
case "$rounds" in ''|*[!0-9]*) echo "ab.sh: ROUNDS must be a number: $rounds" >&2; exit 2;; esac
logs=${AB_LOGS:-bench/target/ab}
mkdir -p "$logs"
nice_cmd=()
if nice -n -15 true 2>/dev/null; then nice_cmd=(nice -n -15); fi
for ((r = 1; r <= rounds; r++)); do
  for ((j = 0; j < ${#jars[@]}; j++)); do
    jar=${jars[$j]}
    log="$logs/round$r-jar$((j + 1)).log"
    ${nice_cmd[@]+"${nice_cmd[@]}"} java -jar "$jar" "$regex" -wi 2 -w 1 -i "${ITERATIONS:-3}" -r 1 -f 1 \
      -prof io.vipflow.bench.CpuTimeProfiler "$@" > "$log" 2>&1 || { echo "ab.sh: $jar failed, see $log" >&2; exit 1; }
    # The benchmark and parameter lines open each fork's output; every measured iteration is followed by its
    # cpu.time.norm line.
    awk -v r="$r" -v jar="$jar" '
      /^# Benchmark: / { name = $3; sub(/.*\./, "", name); bench = $3; sub(/\.[^.]*$/, "", bench); sub(/.*\./, "", bench) }
      /^# Parameters: / { params = $0; sub(/^# Parameters: /, "", params); gsub(/ /, "", params) }
      /^Iteration / { measured = 1 }
      /^# Warmup Iteration/ { measured = 0 }
      /cpu\.time\.norm:/ && measured { cpu = cpu " " $2 }
      /^# Run progress|^# Run complete|^Result / {
        if (cpu != "") { printf "round %d  %s  %s.%s %s %s\n", r, jar, bench, name, params, cpu }
        cpu = ""; measured = 0
      }' "$log"
  done
done
