#!/usr/bin/env bash
# The benchmark regression gate (README, "Benchmarks and the regression gate"). Needs bench/target/benchmarks.jar.
#   bench/gate.sh                    run the gate set, compare with bench/baseline/gate-baseline.json
#   bench/gate.sh --update-baseline  run the gate set and make it the baseline
#   bench/gate.sh --quick            every benchmark, briefly: it starts, runs and allocates nothing
# The quick mode runs the benchmarks inside this JVM, so it carries the flags of the benchmarks' forks: Agrona's
# export and Chronicle Map's JDK 17 opens. JAVA_OPTS is passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
exec java ${JAVA_OPTS:-} -Xmx2g \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED \
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
  -Dchronicle.analytics.disable=true \
  -cp bench/target/benchmarks.jar io.vipflow.bench.gate.Gate "$@"
