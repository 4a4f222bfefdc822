#!/usr/bin/env bash
# Runs Fovea's benchmarks next to the peers of ../shared/peers in one session, interleaved section by section, so
# that the ratios compare runs made under the same machine load. JSON lines go to $OUT/<section>.jsonl
# (Fovea and peers alike; the peers' scripts also append to their own results/ folder), logs to stderr.
#
# Usage: bash bench/side_by_side.sh [section ...]        sections: b1 b2 b3 b4 b5 zoo explain (default: b1-b5)
# Env:   PEERS  a writable copy of ../shared/peers (default /tmp/peers; created if missing), with
#               torchsharp/ and onnxruntime/ built (dotnet build -c Release, see its RESULTS.md)
#        OUT    output folder (default bench/results/<date-time>)
#        ROUNDS rounds of each section (default 2): Fovea and every peer alternate inside a round
#        BASELINE  a Fovea.Bench.dll of another Fovea build (e.g. a worktree of an older commit built with
#               dotnet build -c Release bench/Fovea.Bench): it runs right after Fovea in every round, its lines
#               tagged "engine":"Fovea-baseline"; bench/compare_builds.py then gives new/old ratios
#        NO_PEERS=1 skip the peers (old-vs-new comparisons)
#        ZOO    the models of the zoo section (default: resnet50 mobilenet_v3_large efficientnet_b0 convnext_tiny maxvit_t);
#               per model and round: Fovea's zoo_NAME and zoo_NAME_train, PyTorch (channels_last) infer and train,
#               ONNX Runtime on the torchvision export (its records are named B4_resnet18_*: read them as NAME's)
#        EXPLAIN the methods of the explain section (default: gradcam ig50 lime1000); per method and round Fovea's
#               explain_M_resnet18, then bench/explain_torch.py M (channels_last) on the same image size, model,
#               steps, masks and batch sizes (see both files for what is timed)
#        EXPLAIN_TRIALS trials per method and run in the explain section (default 3)
#        IG_BATCH integrated gradients' points per forward/backward pass, both sides (default 16)
# Needs the Debian packages python3-torch python3-torchvision python3-numpy libopenblas0.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${PEERS:-/tmp/peers}
[ -d "$PEERS" ] || cp -r ../shared/peers "$PEERS"
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}
ROUNDS=${ROUNDS:-2}
mkdir -p "$OUT"
PY=/usr/bin/python3
dotnet build -c Release -v q -nologo bench/Fovea.Bench >/dev/null
FOVEA="dotnet bench/Fovea.Bench/bin/Release/net10.0/Fovea.Bench.dll --json"
TS="dotnet $PEERS/torchsharp/bin/Release/net10.0/TsBench.dll"
ORT="dotnet $PEERS/onnxruntime/bin/Release/net10.0/OrtBench.dll"
log() { echo "== $(date +%T) $*" >&2; }
# Fovea's run of a section's benchmarks, then the baseline build's when BASELINE is set.
fovea() {
  local file=$1; shift
  $FOVEA "$@" | tee -a "$file" >/dev/null
  if [ -n "${BASELINE:-}" ]; then
    log "baseline build: $*"
    dotnet "$BASELINE" --json "$@" | grep '^{' | sed 's/"engine":"Fovea"/"engine":"Fovea-baseline"/' >> "$file"
  fi
}
peers() { [ -z "${NO_PEERS:-}" ]; }
# OpenBLAS with its AVX-512 kernels: the environment's OPENBLAS_CORETYPE=Haswell forces AVX2.
autodetect() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; }
# The peers print their JSON lines on stdout (some with log lines); keep only the JSON.
json() { grep '^{' || true; }

for s in ${*:-b1 b2 b3 b4 b5}; do
  for round in $(seq "$ROUNDS"); do case $s in
  b1)
    log "B1 round $round: Fovea"; fovea "$OUT/b1.jsonl" B1_sgemm; peers || continue
    log "B1 numpy OpenBLAS AVX-512"; (cd "$PEERS" && autodetect $PY bench_gemm.py numpy --tag autodetect) | json >> "$OUT/b1.jsonl"
    log "B1 TorchSharp"; (cd "$PEERS" && $TS gemm 5) | json >> "$OUT/b1.jsonl"
    ;;
  b2)
    log "B2 round $round: Fovea"; fovea "$OUT/b2.jsonl" B2_train B2_infer; peers || continue
    log "B2 PyTorch channels_last"; (cd "$PEERS" && $PY bench_cnn_torch.py --trials 5 --steps 20 --channels-last --tag env-Haswell) | json >> "$OUT/b2.jsonl"
    ;;
  b3)
    log "B3 round $round: Fovea (seed $((round - 1)))"; FOVEA_SEED=$((round - 1)) fovea "$OUT/b3.jsonl" B3_fmnist; peers || continue
    log "B3 PyTorch"; (cd "$PEERS" && $PY train_fmnist_torch.py --epochs 2 --seed $((round - 1)) --tag env-Haswell) | json >> "$OUT/b3.jsonl"
    ;;
  b4)
    log "B4 round $round: Fovea"; fovea "$OUT/b4.jsonl" B4_resnet18; peers || continue
    log "B4 PyTorch channels_last"; (cd "$PEERS" && $PY bench_resnet_torch.py infer --trials 5 --channels-last --tag env-Haswell) | json >> "$OUT/b4.jsonl"
    [ -f "$PEERS/results/resnet18_torchvision.onnx" ] || (cd "$PEERS" && $PY bench_resnet_torch.py export >&2)
    log "B4 ONNX Runtime (torchvision export)"; (cd "$PEERS" && $ORT bench results/resnet18_torchvision.onnx 5 2) | json >> "$OUT/b4.jsonl"
    ;;
  b5)
    log "B5 round $round: Fovea"; fovea "$OUT/b5.jsonl" B5_resnet18_train; peers || continue
    log "B5 PyTorch channels_last"; (cd "$PEERS" && $PY bench_resnet_torch.py train --trials 5 --steps 5 --channels-last --tag env-Haswell) | json >> "$OUT/b5.jsonl"
    ;;
  zoo)
    for m in ${ZOO:-resnet50 mobilenet_v3_large efficientnet_b0 convnext_tiny maxvit_t}; do
      log "zoo $m round $round: Fovea"; fovea "$OUT/zoo.jsonl" "zoo_$m" "zoo_${m}_train"; peers || continue
      log "zoo $m PyTorch channels_last"
      (cd "$PEERS" && $PY bench_zoo_torch.py "$m" infer --trials 5 --channels-last --tag env-Haswell) | json >> "$OUT/zoo.jsonl"
      (cd "$PEERS" && $PY bench_zoo_torch.py "$m" train --trials 5 --steps 3 --channels-last --tag env-Haswell) | json >> "$OUT/zoo.jsonl"
      [ -f "$PEERS/results/$m.onnx" ] || (cd "$PEERS" && $PY bench_zoo_torch.py "$m" export >&2)
      log "zoo $m ONNX Runtime (torchvision export)"
      (cd "$PEERS" && $ORT bench "results/$m.onnx" 5 2) | json | sed "s/\"B4_resnet18_/\"zoo_${m}_/" >> "$OUT/zoo.jsonl"
    done
    ;;
  explain)
    for m in ${EXPLAIN:-gradcam ig50 lime1000}; do
      log "explain $m round $round: Fovea"
      FOVEA_EXPLAIN_TRIALS=${EXPLAIN_TRIALS:-3} FOVEA_EXPLAIN_IG_BATCH=${IG_BATCH:-16} fovea "$OUT/explain.jsonl" "explain_${m}_resnet18"; peers || continue
      log "explain $m PyTorch channels_last"
      $PY bench/explain_torch.py "$m" --trials "${EXPLAIN_TRIALS:-3}" --ig-batch "${IG_BATCH:-16}" --channels-last --tag env-Haswell | json >> "$OUT/explain.jsonl"
    done
    ;;
  *) echo "unknown section $s" >&2; exit 2;;
  esac; done
done
log "results in $OUT"
