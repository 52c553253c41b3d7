#!/bin/sh
# Device speed on nanoCLR: Forward and Learn for 5-8-1, 16-32-16-4 and 64-64-10 (DeviceSpeed.cs),
# this checkout's library against another commit's, in interleaved runs (the order alternates
# each round), and the median ns per call of each. See docs/PERFORMANCE.md.
#
#   tests/NanoBackprop.Benchmarks/Device/run-device-speed.sh [BASE_COMMIT] [RUNS]
#
# BASE_COMMIT defaults to b3f0e50 (before the engine split), RUNS to 15. The nanoCLR folder is
# NANOFRAMEWORK_HOME, else ../shared/nanoframework beside the checkout (see its README); the .NET SDK's csc and
# nanoFramework.CoreLibrary 1.17.11 from the NuGet cache are used as that README describes.
set -eu
BASE=${1:-b3f0e50}
RUNS=${2:-15}
ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
NF=${NANOFRAMEWORK_HOME:-$ROOT/../shared/nanoframework}
CSC=$(ls -d /usr/share/dotnet/sdk/*/Roslyn/bincore/csc.dll | sort -V | tail -n1)
CORLIB=${NUGET_PACKAGES:-$HOME/.nuget/packages}/nanoframework.corelibrary/1.17.11/lib
MDP="$NF/metadata-processor/nanoFramework.Tools.MetadataProcessor.dll"
OUT=$(mktemp -d)

build() { # name, library source folder
  mkdir -p "$OUT/$1"
  dotnet "$CSC" -nologo -nostdlib -noconfig -langversion:10 -target:library -optimize+ -debug- \
    -r:"$CORLIB/mscorlib.dll" -out:"$OUT/$1/NanoBackprop.dll" "$2"/*.cs "$2"/Properties/AssemblyInfo.cs
  dotnet "$CSC" -nologo -nostdlib -noconfig -langversion:10 -target:exe -optimize+ -debug- \
    -r:"$CORLIB/mscorlib.dll" -r:"$OUT/$1/NanoBackprop.dll" -out:"$OUT/$1/DeviceSpeed.exe" \
    "$ROOT/tests/NanoBackprop.Benchmarks/Device/DeviceSpeed.cs"
  dotnet "$MDP" -loadHints mscorlib "$CORLIB/mscorlib.dll" \
    -parse "$OUT/$1/NanoBackprop.dll" -compile "$OUT/$1/NanoBackprop.pe" false > "$OUT/$1/mdp-lib.log"
  dotnet "$MDP" -loadHints mscorlib "$CORLIB/mscorlib.dll" -loadHints NanoBackprop "$OUT/$1/NanoBackprop.dll" \
    -parse "$OUT/$1/DeviceSpeed.exe" -compile "$OUT/$1/DeviceSpeed.pe" false > "$OUT/$1/mdp-exe.log"
}

run() { # name
  timeout 900 "$NF/nanoclr/bin/nanoFramework.nanoCLR.test" "$CORLIB/mscorlib.pe" \
    "$OUT/$1/NanoBackprop.pe" "$OUT/$1/DeviceSpeed.pe" > "$OUT/$1/run.log" 2>&1 || true
  tr -d '\r' < "$OUT/$1/run.log" | grep '^speed ' >> "$OUT/$1.txt"
  tr -d '\r' < "$OUT/$1/run.log" | grep -qx 'speed done' || { echo "run of $1 did not finish: $OUT/$1/run.log" >&2; exit 1; }
}

mkdir -p "$OUT/base-src"
git -C "$ROOT" archive "$BASE" src/NanoBackprop | tar -x -C "$OUT/base-src"
build base "$OUT/base-src/src/NanoBackprop"
build head "$ROOT/src/NanoBackprop"
i=1
while [ "$i" -le "$RUNS" ]; do
  if [ $((i % 2)) -eq 1 ]; then run base; run head; else run head; run base; fi
  echo "round $i of $RUNS done" >&2
  i=$((i + 1))
done

median() { # file, topology, field (forward|learn)
  awk -v t="$2" -v f="$3" '$2 == t { for (k = 3; k < NF; k += 2) if ($k == f) print $(k + 1) }' "$1" |
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Each round's head/base ratio (the two runs were adjacent in time), one per line.
paired() { # results folder (unused: the files are $OUT), topology, field
  paste -d ' ' "$OUT/base.txt" "$OUT/head.txt" |
    awk -v t="$2" -v f="$3" '$2 == t { b = ""; h = ""; for (k = 3; k < NF; k++) if ($k == f) { if (b == "") b = $(k + 1); else h = $(k + 1) } if (b != "" && h != "") print h / b }'
}

echo "ns per call on nanoCLR, $RUNS interleaved runs each; base $BASE, head $(git -C "$ROOT" rev-parse --short HEAD) + working tree"
echo "| topology | call | base median | head median | head/base (medians) | median of paired head/base | base fastest | head fastest |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for t in 5-8-1 16-32-16-4 64-64-10; do
  for f in forward learn; do
    b=$(median "$OUT/base.txt" "$t" "$f")
    h=$(median "$OUT/head.txt" "$t" "$f")
    p=$(paired "$OUT" "$t" "$f" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m }')
    bmin=$(awk -v t="$t" -v f="$f" '$2 == t { for (k = 3; k < NF; k += 2) if ($k == f) print $(k + 1) }' "$OUT/base.txt" | sort -n | head -n1)
    hmin=$(awk -v t="$t" -v f="$f" '$2 == t { for (k = 3; k < NF; k += 2) if ($k == f) print $(k + 1) }' "$OUT/head.txt" | sort -n | head -n1)
    echo "| $t | $f | $b | $h | $(awk -v b="$b" -v h="$h" 'BEGIN { printf "%.3f", h / b }') | $p | $bmin | $hmin |"
  done
done
echo "checksums (must agree): base $(awk '{ print $2, $NF }' "$OUT/base.txt" | sort -u | tr '\n' ' ')"
echo "                        head $(awk '{ print $2, $NF }' "$OUT/head.txt" | sort -u | tr '\n' ' ')"
echo "raw runs: $OUT/base.txt $OUT/head.txt"
