#!/usr/bin/env bash
# The path of a user who never clones the repository: packs every packable project of Fovea.sln into a local folder,
# installs the `fovea` tool from it and runs `fovea --help`, then creates a fresh console project outside the
# repository that references the `Fovea` package from that folder (its dependencies come from nuget.org), trains a
# tiny CNN for one epoch on random data and checks what it prints.
#
# Usage: tools/pack/check_packages.sh            (from anywhere; about 2-4 minutes, most of it the Release build)
# Env:   KEEP=1  keep the temporary folder (packages, tool, console project) and print its path
#
# The packages get a unique prerelease version (0.1.0-check.<UTC time>), so the NuGet cache can never hand back an
# older build under the same version; that version is removed from the cache at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SUFFIX="check.$(date -u +%Y%m%d%H%M%S)"
VERSION="$(dotnet msbuild "$ROOT/src/Fovea/Fovea.csproj" -getProperty:Version -p:VersionSuffix="$SUFFIX")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fovea-pack.XXXXXX")"
FEED="$WORK/feed"
CACHE="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
cleanup() {
    for id in fovea fovea.cli; do
        rm -rf "${CACHE%/}/$id/$VERSION"
        rmdir "${CACHE%/}/$id" 2>/dev/null || true
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "== check_packages: $*"; }
fail() { echo "check_packages: FAILED: $*" >&2; exit 1; }

# 1. Pack every project of the solution whose IsPackable is true (Directory.Build.props: everything under src/).
mapfile -t projects < <(dotnet sln "$ROOT/Fovea.sln" list | grep -E '\.csproj$')
packed=()
for p in "${projects[@]}"; do
    [ "$(dotnet msbuild "$ROOT/$p" -getProperty:IsPackable)" = true ] || continue
    log "pack $p $VERSION"
    dotnet pack "$ROOT/$p" -c Release -o "$FEED" -p:VersionSuffix="$SUFFIX" -nologo -v q
    packed+=("$p")
done
[ ${#packed[@]} -gt 0 ] || fail "no packable project in Fovea.sln"
ls -l "$FEED"
[ -f "$FEED/Fovea.$VERSION.nupkg" ] || fail "Fovea.$VERSION.nupkg was not produced"
[ -f "$FEED/Fovea.Cli.$VERSION.nupkg" ] || fail "Fovea.Cli.$VERSION.nupkg was not produced"
[ -f "$FEED/Fovea.Onnx.$VERSION.nupkg" ] || fail "Fovea.Onnx.$VERSION.nupkg was not produced"

# 2. Install the tool from the folder and run it.
log "dotnet tool install Fovea.Cli $VERSION"
(cd "$WORK" && dotnet tool install --tool-path "$WORK/tools" --add-source "$FEED" Fovea.Cli --version "$VERSION")
help="$("$WORK/tools/fovea" --help)"
echo "$help"
for verb in train summary run finetune export; do
    grep -qw "$verb" <<<"$help" || fail "fovea --help does not list '$verb'"
done

# 3. A fresh console project that uses the Fovea package: the local folder first, nuget.org for its dependencies.
log "dotnet new console + Fovea $VERSION"
APP="$WORK/app"
dotnet new console -o "$APP" -n FoveaCheck >/dev/null
cat > "$APP/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$FEED" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Fovea" /><package pattern="Fovea.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
dotnet add "$APP/FoveaCheck.csproj" package Fovea --version "$VERSION" >/dev/null
cat > "$APP/Program.cs" <<'CS'
using Fovea;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;

// 64 random 1×8×8 images in 3 classes; conv 1→4 (3×3, same) + ReLU, 2×2 max-pool, flatten, dense 64→3 + softmax.
var rng = new Rng(7);
var x = Tensor.RandomNormal([64, 1, 8, 8], rng);
var labels = new float[64];
for (int i = 0; i < labels.Length; i++)
    labels[i] = i % 3;
var y = Tensor.FromArray(labels);

var model = new Sequential(
    new Conv2D(4, 3, padding: Padding.Same, activation: Activations.Relu),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(3, Activations.Softmax));
model.Compile(new Adam(learningRate: 1e-2), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
model.Build(1, 8, 8);
var before = model.Weights.Select(w => w.ToArray()).ToList();
var history = model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
var p = model.Predict(x);
var probabilities = p.ToArray();

bool rowsSumToOne = Enumerable.Range(0, 64).All(r => Math.Abs(probabilities.Skip(3 * r).Take(3).Sum() - 1) < 1e-4);
bool changed = model.Weights.Select((w, i) => !w.ToArray().SequenceEqual(before[i])).All(c => c);
Console.WriteLine($"parameters={model.ParameterCount}");
Console.WriteLine($"epochs={history["loss"].Count}");
Console.WriteLine($"loss_finite={double.IsFinite(history["loss"][0])}");
Console.WriteLine($"predictions={p.Shape}");
Console.WriteLine($"rows_sum_to_one={rowsSumToOne}");
Console.WriteLine($"weights_changed={changed}");
CS
log "dotnet run (console project)"
out="$(dotnet run --project "$APP/FoveaCheck.csproj" -c Release)"
echo "$out"
# 235 parameters: conv 4·1·3·3 + 4 = 40, dense (4·4·4)·3 + 3 = 195.
for line in "parameters=235" "epochs=1" "loss_finite=True" "predictions=[64, 3]" "rows_sum_to_one=True" \
    "weights_changed=True"; do
    grep -qxF "$line" <<<"$out" || fail "the console project did not print '$line'"
done
log "OK: packed ${packed[*]}; tool and package $VERSION work from $FEED"
