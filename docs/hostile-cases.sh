#!/usr/bin/env bash
# The command-line cases of docs/HOSTILE-INPUT.md against one build of the vipflow jar, one line per case:
#   case <TAB> exit code <TAB> first line of standard error <TAB> what happened to the files
# Usage: docs/hostile-cases.sh harness/target/vipflow.jar LABEL [JAR_FOR_FIXTURES]
# (the third argument writes the fixtures, for a build older than the `sample` command)
# Needs only the jar, a JDK, python3 and coreutils; works in a temporary directory of its own.
set -u
JAR=$(realpath "$1"); LABEL=${2:-run}; SAMPLER=$(realpath "${3:-$1}")
OUT=$(mktemp -d); BASE=$OUT/base
java -jar "$SAMPLER" sample --out "$BASE" >/dev/null
J="java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dchronicle.analytics.disable=true -jar $JAR"
work=$OUT/w-$LABEL; rm -rf $work; mkdir -p $work
fresh() { rm -rf $work/c; cp -r $BASE $work/c; cd $work/c; }
trap 'rm -rf "$OUT"' EXIT
report() { local name=$1 code=$2 effect=$3; local line; line=$(grep -v '^\s*at \|^INFO\|^WARN\|^SLF4J' err.txt 2>/dev/null | grep -v '^$' | head -1 | cut -c1-230); printf '%s\t%s\t%s\t%s\n' "$name" "$code" "$line" "$effect"; }
# 1 decisions over the trace
fresh; cp trace.pcap t.pcap; sum0=$(md5sum < t.pcap)
timeout 120 $J replay --cluster cluster.json --trace t.pcap --churn churn.jsonl --decisions t.pcap >/dev/null 2>err.txt; c=$?
[ "$(md5sum < t.pcap)" = "$sum0" ] && e="capture intact" || e="CAPTURE REPLACED"; report "decisions = trace" $c "$e"
# 2 decisions over the cluster
fresh; sum0=$(md5sum < cluster.json)
timeout 120 $J replay --cluster cluster.json --trace trace.pcap --decisions cluster.json >/dev/null 2>err.txt; c=$?
[ "$(md5sum < cluster.json)" = "$sum0" ] && e="cluster intact" || e="CLUSTER REPLACED"; report "decisions = cluster" $c "$e"
# 3 empty cluster
fresh; : > empty.json
timeout 120 $J replay --cluster empty.json --trace trace.pcap --decisions d.jsonl >/dev/null 2>err.txt; c=$?; report "empty cluster file" $c "$( [ -s d.jsonl ] && echo "decisions written: $(grep -c PASS d.jsonl) PASS" || echo 'no decisions file')"
# 4 YAML anchors
fresh; python3 - <<'PY'
import json
d=json.load(open('cluster.json'))
out=["apiVersion: v1","kind: List","items:"]
first=True
for o in d['items']:
    ns=o['metadata']['namespace']
    if ns=='store':
        if first:
            o['metadata']['namespace']='@@ANCHOR@@'; first=False
        else:
            o['metadata']['namespace']='@@ALIAS@@'
    out.append("- "+json.dumps(o))
s="\n".join(out).replace('"@@ANCHOR@@"','&ns store').replace('"@@ALIAS@@"','*ns')
open('anchored.yaml','w').write(s+"\n")
PY
timeout 120 $J replay --cluster anchored.yaml --trace trace.pcap --decisions d.jsonl >/dev/null 2>err.txt; c=$?
timeout 120 $J replay --cluster cluster.json --trace trace.pcap --decisions ref.jsonl >/dev/null 2>/dev/null
report "YAML anchors/aliases" $c "$( [ -f d.jsonl ] && (cmp -s d.jsonl ref.jsonl && echo 'same decisions as the JSON file' || echo "DIFFERENT decisions: $(grep -c REJECT d.jsonl) REJECT") || echo 'no decisions')"
# 5 symlink as output
fresh; echo keep > target.txt; ln -s target.txt link.jsonl
timeout 120 $J replay --cluster cluster.json --trace trace.pcap --decisions link.jsonl >/dev/null 2>err.txt; c=$?
report "symlink as --decisions" $c "$( [ -L link.jsonl ] && echo 'symlink kept' || echo 'SYMLINK REPLACED'), target: $(head -c 20 target.txt | head -1)"
# 6 FIFO as output
fresh; mkfifo f.jsonl
timeout 60 $J replay --cluster cluster.json --trace trace.pcap --decisions f.jsonl >/dev/null 2>err.txt; c=$?
report "FIFO as --decisions" $c "$( [ -p f.jsonl ] && echo 'FIFO kept' || echo 'FIFO REPLACED')"
# 7 --report on an empty directory
fresh; mkdir rep
timeout 300 $J simulate --scenario crash-loop --schedulers rr --packets 20000 --report rep >/dev/null 2>err.txt; c=$?
report "--report DIR (empty dir)" $c "$( [ -d rep ] && echo 'directory kept' || echo 'DIRECTORY REPLACED BY A FILE')"
# 8 SIGINT during simulate --decisions
fresh; echo '{"earlier":"good"}' > F.jsonl
timeout 300 $J simulate --scenario rolling-update-50 --schedulers rr --packets 3000000 --decisions F.jsonl >/dev/null 2>err.txt & pid=$!
sleep 12; kill -INT $(pgrep -f "decisions F.jsonl" | head -1) 2>/dev/null; wait $pid; c=$?
report "SIGINT during simulate --decisions" $c "F: $(head -c 30 F.jsonl | head -1); leftovers: $(ls | grep -c -v '^\(F.jsonl\|cluster.json\|churn.jsonl\|trace.pcap\|trace.pcapng\|err.txt\)$')"
# 9 simulate --fleet 1000 ; schedule --picks ; --node-ip ; soak --capacity
fresh; timeout 120 $J simulate --scenario rolling-update-50 --fleet 1000 --packets 1000 >/dev/null 2>err.txt; report "simulate --fleet 1000" $? ""
fresh; timeout 120 $J schedule --scheduler rr --backends a,b --picks 2147483647 >/dev/null 2>err.txt; report "schedule --picks 2147483647" $? ""
fresh; timeout 120 $J replay --cluster cluster.json --trace trace.pcap --decisions d.jsonl --node-ip 1.2.3 >/dev/null 2>err.txt; report "--node-ip 1.2.3" $? ""
fresh; timeout 120 $J soak --capacity 2147483647 --duration 1s >/dev/null 2>err.txt; report "soak --capacity 2147483647" $? ""
# 10 messages without the thing
fresh; timeout 60 $J replay --cluster cluster.json --trace missing.pcap --decisions d.jsonl >/dev/null 2>err.txt; report "missing trace" $? ""
fresh; mkdir dir.pcap; timeout 60 $J replay --cluster cluster.json --trace dir.pcap --decisions d.jsonl >/dev/null 2>err.txt; report "directory as trace" $? ""
fresh; printf "name: x\n\xff\xfe\xfd\n" > bad.yaml; timeout 60 $J simulate --scenario bad.yaml >/dev/null 2>err.txt; report "non-UTF-8 scenario" $? ""
# 11 nonsense
fresh; python3 - <<'PY'
import json
d=json.load(open('cluster.json'))
s=[o for o in d['items'] if o['kind']=='Service'][0]
s['spec']['clusterIP']='::ffff:10.96.100.10'; s['spec']['clusterIPs']=['::ffff:10.96.100.10']
json.dump(d,open('mapped.json','w'))
d=json.load(open('cluster.json'))
s=[o for o in d['items'] if o['kind']=='Service'][0]
s['spec']['ports'][0]['targetPort']=65536
json.dump(d,open('tp.json','w'))
d=json.load(open('cluster.json'))
svcs=[o for o in d['items'] if o['kind']=='Service']
svcs[1]['spec']['clusterIP']=svcs[0]['spec']['clusterIP']; svcs[1]['spec']['clusterIPs']=[svcs[0]['spec']['clusterIP']]
json.dump(d,open('dup.json','w'))
PY
timeout 60 $J replay --cluster mapped.json --trace trace.pcap --decisions d.jsonl >/dev/null 2>err.txt; report "IPv4-mapped ClusterIP" $? ""
timeout 60 $J replay --cluster tp.json --trace trace.pcap --decisions d.jsonl >/dev/null 2>err.txt; report "targetPort 65536" $? ""
timeout 60 $J replay --cluster dup.json --trace trace.pcap --decisions d.jsonl >/dev/null 2>err.txt; report "two Services, one ClusterIP" $? ""
timeout 300 $J simulate --scenario crash-loop --schedulers rr,rr --packets 1000 >/dev/null 2>err.txt; report "--schedulers rr,rr" $? ""
# 12 zeroed 2 GiB hole
fresh; cp trace.pcap holed.pcap; truncate -s +2G holed.pcap
timeout 60 $J replay --cluster cluster.json --trace holed.pcap --decisions d.jsonl >/dev/null 2>err.txt; c=$?
report "capture with a 2 GiB zeroed hole (60 s limit)" $c "decisions: $( [ -f d.jsonl ] && du -h d.jsonl | cut -f1 || echo none)"; rm -f holed.pcap d.jsonl
# 13 conntrack dump on a non-Chronicle file
fresh; head -c 100000 /dev/zero | tr '\0' 'x' > not.cmap
s=$(date +%s); timeout 120 $J conntrack dump --file not.cmap >/dev/null 2>err.txt; c=$?; report "conntrack dump of a non-table .cmap" $c "took $(( $(date +%s) - s )) s"
# 14 soak tiny capacity
fresh; timeout 120 $J soak --duration 15s --capacity 256 --round-packets 50000 --checkpoint 15s >out.txt 2>err.txt; c=$?; report "soak --capacity 256" $c "$(grep -o 'oracle violations [0-9]*' out.txt | tail -1)"
