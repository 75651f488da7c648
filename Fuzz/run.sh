#!/usr/bin/env bash
# Coverage-guided fuzzing of the codec and the merge pipeline with libFuzzer (docs/fuzzing.md).
#   Fuzz/run.sh [SECONDS]    build both harnesses, seed them from protocol/transcripts, run each
# A finding stops the run with a crash report and the input saved in .build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/findings"
# Op's Codable form, the oracle of wire-op, lives with the tests (Tests/TestSupport/OpCodable.swift).
sources="$(find Sources/SyncModel Sources/Planning -name '*.swift' | sort) Tests/TestSupport/OpCodable.swift"

# Seed corpus: every op and every push of the conformance transcripts.
python3 - "$out" <<'PY'
import json, os, pathlib, sys
out = pathlib.Path(sys.argv[1])
for name in ("wire-op", "push-apply"):
    (out / "corpus" / name).mkdir(parents=True, exist_ok=True)
n = 0
for path in sorted(pathlib.Path("protocol/transcripts").glob("*.txt")):
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith(("A> ", "B> ", "C> ")):
            continue
        try:
            message = json.loads(line[3:].replace("$HLC", "0190000000000000"))
        except ValueError:
            continue
        if not isinstance(message, dict) or message.get("type") != "push" or not isinstance(message.get("ops"), list):
            continue
        n += 1
        (out / "corpus" / "push-apply" / f"t{n}.json").write_text(json.dumps(message["ops"], ensure_ascii=False), encoding="utf-8")
        for i, op in enumerate(message["ops"]):
            (out / "corpus" / "wire-op" / f"t{n}-{i}.json").write_text(json.dumps(op, ensure_ascii=False), encoding="utf-8")
print(f"fuzz: {n} pushes from the transcripts seed the corpus")
PY

for harness in WireOp:wire-op PushApply:push-apply; do
  file=${harness%%:*}; name=${harness##*:}
  echo "fuzz: building $name"
  # One module named SyncModel: the sources' `import SyncModel` is then their own (a warning).
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name SyncModel \
    $sources "Fuzz/$file.swift" -o "$out/$name" 2> "$out/$name.build.log" || { cat "$out/$name.build.log" >&2; exit 1; }
  echo "fuzz: running $name for ${seconds} s"
  "$out/$name" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/findings/$name-" \
    -max_len=65536 "$out/corpus/$name" 2> "$out/$name.log" || { tail -n 40 "$out/$name.log" >&2; exit 1; }
  grep -E '^(Done|stat::number_of_executed_units)' "$out/$name.log" || true
done
echo "fuzz: no findings"
