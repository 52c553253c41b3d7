#!/bin/bash
# Device speed on nanoCLR by CPU time: Forward and Learn for 5-8-1, 16-32-16-4 and 64-64-10
# (DeviceSpeed.cs compiled with CPU_TIME, one program per topology and operation, plus one that
# only starts, builds the network and warms up: the fixed cost subtracted from the others), this
# checkout's library against another commit's, in interleaved rounds. Each run is timed as the
# nanoCLR process's user + system CPU time, which other processes on a shared machine barely
# change (the wall clock of run-device-speed.sh swings by 2x under load). See docs/PERFORMANCE.md.
#
#   tests/NanoBackprop.Benchmarks/Device/run-device-cpu.sh [BASE_COMMIT] [ROUNDS]
#
# BASE_COMMIT defaults to b3f0e50, ROUNDS to 15. The nanoCLR folder as in run-device-speed.sh.
set -eu
BASE=${1:-b3f0e50}
ROUNDS=${2:-15}
ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
NF=${NANOFRAMEWORK_HOME:-$ROOT/../shared/nanoframework}
CSC=$(ls -d /usr/share/dotnet/sdk/*/Roslyn/bincore/csc.dll | sort -V | tail -n1)
CORLIB=${NUGET_PACKAGES:-$HOME/.nuget/packages}/nanoframework.corelibrary/1.17.11/lib
MDP="$NF/metadata-processor/nanoFramework.Tools.MetadataProcessor.dll"
OUT=$(mktemp -d)
VARIANTS="T581 T581,FORWARD T581,LEARN T1632 T1632,FORWARD T1632,LEARN T6464 T6464,FORWARD T6464,LEARN"

build() { # name, library source folder
  mkdir -p "$OUT/$1"
  dotnet "$CSC" -nologo -nostdlib -noconfig -langversion:10 -target:library -optimize+ -debug- \
    -r:"$CORLIB/mscorlib.dll" -out:"$OUT/$1/NanoBackprop.dll" "$2"/*.cs "$2"/Properties/AssemblyInfo.cs
  dotnet "$MDP" -loadHints mscorlib "$CORLIB/mscorlib.dll" \
    -parse "$OUT/$1/NanoBackprop.dll" -compile "$OUT/$1/NanoBackprop.pe" false > "$OUT/$1/mdp-lib.log"
  for v in $VARIANTS; do
    d="$OUT/$1/${v/,/-}"
    mkdir -p "$d"
    dotnet "$CSC" -nologo -nostdlib -noconfig -langversion:10 -target:exe -optimize+ -debug- \
      -define:"CPU_TIME,$v" -r:"$CORLIB/mscorlib.dll" -r:"$OUT/$1/NanoBackprop.dll" -out:"$d/DeviceSpeed.exe" \
      "$ROOT/tests/NanoBackprop.Benchmarks/Device/DeviceSpeed.cs"
    dotnet "$MDP" -loadHints mscorlib "$CORLIB/mscorlib.dll" -loadHints NanoBackprop "$OUT/$1/NanoBackprop.dll" \
      -parse "$d/DeviceSpeed.exe" -compile "$d/DeviceSpeed.pe" false > "$d/mdp.log"
  done
}

run() { # name, variant: appends "<variant> <cpu seconds> <calls> <sink>" to $OUT/<name>.txt
  d="$OUT/$1/${2/,/-}"
  TIMEFORMAT='%U %S'
  t=$( { time timeout 900 "$NF/nanoclr/bin/nanoFramework.nanoCLR.test" "$CORLIB/mscorlib.pe" \
    "$OUT/$1/NanoBackprop.pe" "$d/DeviceSpeed.pe" > "$d/run.log" 2>&1 ; } 2>&1 )
  line=$(tr -d '\r' < "$d/run.log" | grep '^cpu calls ' || true)
  [ -n "$line" ] || { echo "run of $1 $2 did not finish: $d/run.log" >&2; exit 1; }
  echo "${2/,/-} $(echo "$t" | awk '{ print $1 + $2 }') $(echo "$line" | awk '{ print $3, $5 }')" >> "$OUT/$1.txt"
}

mkdir -p "$OUT/base-src"
git -C "$ROOT" archive "$BASE" src/NanoBackprop | tar -x -C "$OUT/base-src"
build base "$OUT/base-src/src/NanoBackprop"
build head "$ROOT/src/NanoBackprop"
i=1
while [ "$i" -le "$ROUNDS" ]; do
  for v in $VARIANTS; do
    if [ $((i % 2)) -eq 1 ]; then run base "$v"; run head "$v"; else run head "$v"; run base "$v"; fi
  done
  echo "round $i of $ROUNDS done" >&2
  i=$((i + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu() { awk -v v="$2" '$1 == v { print $2 }' "$OUT/$1.txt" | median; }

echo "CPU time on nanoCLR, median of $ROUNDS interleaved rounds; base $BASE, head $(git -C "$ROOT" rev-parse --short HEAD) + working tree"
echo "µs per call = (median CPU time of the run - median CPU time of the start-up-only run) / calls"
echo "| topology | call | calls | base µs | head µs | head/base | median of paired whole-run ratios |"
echo "|---|---|---:|---:|---:|---:|---:|"
for t in T581 T1632 T6464; do
  case $t in T581) name=5-8-1 ;; T1632) name=16-32-16-4 ;; *) name=64-64-10 ;; esac
  for op in FORWARD LEARN; do
    calls=$(awk -v v="$t-$op" '$1 == v { print $3; exit }' "$OUT/head.txt")
    b=$(awk -v a="$(cpu base "$t-$op")" -v z="$(cpu base "$t")" -v c="$calls" 'BEGIN { printf "%.1f", (a - z) * 1e6 / c }')
    h=$(awk -v a="$(cpu head "$t-$op")" -v z="$(cpu head "$t")" -v c="$calls" 'BEGIN { printf "%.1f", (a - z) * 1e6 / c }')
    # Lines of base.txt and head.txt pair up: the same program in the same round, run back to back.
    p=$(paste -d ' ' "$OUT/base.txt" "$OUT/head.txt" | awk -v v="$t-$op" '$1 == v { print $6 / $2 }' | median)
    echo "| $name | $(echo $op | tr 'A-Z' 'a-z') | $calls | $b | $h | $(awk -v b="$b" -v h="$h" 'BEGIN { printf "%.3f", h / b }') | $(awk -v p="$p" 'BEGIN { printf "%.3f", p }') |"
  done
done
echo "start-up only (s): base $(cpu base T581) $(cpu base T1632) $(cpu base T6464), head $(cpu head T581) $(cpu head T1632) $(cpu head T6464)"
echo "checksums (must agree): base $(awk '{ print $1, $4 }' "$OUT/base.txt" | sort -u | tr '\n' ' ')"
echo "                        head $(awk '{ print $1, $4 }' "$OUT/head.txt" | sort -u | tr '\n' ' ')"
echo "raw runs: $OUT/base.txt $OUT/head.txt"
