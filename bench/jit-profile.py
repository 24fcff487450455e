#!/usr/bin/env python3
"""Instruction-level profile of JIT-compiled code from a JMH perfasm run whose disassembler prints only hex.

JMH's perfasm profiler attributes samples to the lines of the disassembly it is given. With an hsdis plugin that
cannot decode (Debian's libhsdis0-fcml on JDK 17 prints each stretch of code as hex words), most samples fall inside
a line of several instructions and are dropped. This script attributes the raw samples itself: it reads the sample
addresses from the perf data perfasm saved, the machine code and debug comments of every compiled method from the
HotSpot log perfasm saved, disassembles the code with objdump, and prints, for the methods with the most samples, the
share of each source position (the innermost inlined frame) and the hottest instructions.

usage: bench/jit-profile.py PERFBIN HOTSPOT_LOG [METHODS [LINES]]

Take the two files with, for example:
  java -jar bench/target/benchmarks.jar 'ClassifyInCacheBenchmark.established$' -p impl=ConnTable -f 1 \\
      -prof 'perfasm:events=cpu-clock;saveLog=true;savePerfBin=true;savePerfBinTo=DIR;saveLogTo=DIR'
Needs perf and objdump. Sampling is by timer (this project's machines have no hardware counters), so a sample
often lands on the instruction after a slow one.
"""
import bisect
import collections
import re
import subprocess
import sys
import tempfile

ADDRESS = re.compile(r'^\s*(?:[0-9.]+%)?\s*0x([0-9a-f]+): (.*)$')
METHOD = re.compile(r'Compiled method \((c\d)\)\s+\d+\s+(\d+)\s.*?\s(\S+::\S+)')
MAIN_CODE = re.compile(r'main code\s+\[0x([0-9a-f]+),0x([0-9a-f]+)\]')


def is_hex(text):
    return bool(text) and re.fullmatch(r'[0-9a-f |]+', text) is not None


def sample_addresses(perfbin):
    out = subprocess.run(['perf', 'script', '-i', perfbin, '-F', 'ip,dso'], capture_output=True, text=True).stdout
    # JIT code has no file behind it: perf names it by the process's map file (/tmp/perf-PID.map) or leaves it unknown.
    return [int(line.split()[0], 16) for line in out.splitlines()
            if line.strip() and ('perf-' in line or 'unknown' in line)]


def read_methods(log_lines):
    """Each compiled method's main code range, name and first and last log line."""
    methods = []
    current = None
    for i, line in enumerate(log_lines):
        m = METHOD.search(line)
        if m:
            if current and 'start' in current:
                current['end'] = i
                methods.append(current)
            current = {'id': m.group(2), 'name': m.group(3), 'first': i}
            continue
        m = MAIN_CODE.search(line)
        if m and current and 'start' not in current:
            current['start'], current['stop'] = int(m.group(1), 16), int(m.group(2), 16)
    if current and 'start' in current:
        current['end'] = len(log_lines)
        methods.append(current)
    return methods


def disassemble(log_lines, method):
    """The method's instructions (address, text) and the innermost source frame at each commented address."""
    code = {}
    frames = {}
    lines = log_lines[method['first']:method['end']]
    for i, line in enumerate(lines):
        m = ADDRESS.match(line)
        if not m:
            continue
        address, rest = int(m.group(1), 16), m.group(2).strip()
        if is_hex(rest):
            code[address] = bytes.fromhex(rest.replace('|', '').replace(' ', ''))
            continue
        for k in range(i + 1, min(i + 12, len(lines))):
            frame = lines[k].strip()
            if frame.startswith('; - '):
                where = frame[4:].split(' (line')[0]
                number = re.findall(r'line (\d+)', frame)
                frames.setdefault(address, where + (' line ' + number[0] if number else ''))
                break
            if ADDRESS.match(lines[k]):
                break
    if not code:
        return [], frames
    base = min(code)
    blob = bytearray()
    for address in sorted(code):
        offset = address - base
        if offset > len(blob):
            blob += b'\x90' * (offset - len(blob))
        blob[offset:offset + len(code[address])] = code[address]
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(blob)
        f.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel',
                              '--adjust-vma=0x%x' % base, f.name], capture_output=True, text=True).stdout
    instructions = []
    for line in out.splitlines():
        m = re.match(r'^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)$', line)
        if m:
            instructions.append((int(m.group(1), 16), m.group(2)))
    return instructions, frames


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    perfbin, log = sys.argv[1], sys.argv[2]
    how_many = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    shown = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    log_lines = open(log, errors='replace').read().splitlines()
    methods = sorted(read_methods(log_lines), key=lambda m: m['start'])
    starts = [m['start'] for m in methods]
    samples = sample_addresses(perfbin)
    by_method = collections.defaultdict(list)
    for address in samples:
        k = bisect.bisect_right(starts, address) - 1
        if k >= 0 and address < methods[k]['stop']:
            by_method[k].append(address)
    total = len(samples)
    print('%d samples in JIT-compiled code' % total)
    ranked = sorted(by_method, key=lambda k: -len(by_method[k]))
    for k in ranked[:12]:
        print('%5.1f%%  %s (compile id %s)' % (100 * len(by_method[k]) / total, methods[k]['name'], methods[k]['id']))
    for k in ranked[:how_many]:
        method = methods[k]
        instructions, frames = disassemble(log_lines, method)
        addresses = [a for a, _ in instructions]
        frame_addresses = sorted(frames)
        counts = collections.Counter()
        for address in by_method[k]:
            i = bisect.bisect_right(addresses, address) - 1
            if i >= 0:
                counts[i] += 1
        n = sum(counts.values())

        def frame_of(address):
            j = bisect.bisect_right(frame_addresses, address) - 1
            return frames[frame_addresses[j]] if j >= 0 else '?'

        print('\n%s (compile id %s): %d samples, by source position' % (method['name'], method['id'], n))
        by_frame = collections.Counter()
        for i, c in counts.items():
            by_frame[frame_of(instructions[i][0])] += c
        for frame, c in by_frame.most_common(shown):
            print('  %5.1f%%  %s' % (100 * c / n, frame))
        print('  hottest instructions')
        for i in sorted(counts, key=lambda i: -counts[i])[:shown]:
            print('  %5.1f%%  %x  %-44s %s' % (100 * counts[i] / n, instructions[i][0], instructions[i][1][:44],
                                               frame_of(instructions[i][0])))


if __name__ == '__main__':
    main()
