#!/usr/bin/env bash
# The rest of round 1 after PyTorch's channels_last ConvNeXt-T took 3.66 s per batch-1 call: PyTorch runs in NCHW
# (its faster layout for these two models) with fewer trials.
cd /work/main
OUT=bench/results/20261207-zoo
PEERS=/tmp/peers
PY=/usr/bin/python3
ORT="dotnet $PEERS/onnxruntime/bin/Release/net10.0/OrtBench.dll"
json() { grep '^{' || true; }
log() { echo "== $(date +%T) $*" >> $OUT/log.txt; }
log "convnext_tiny ONNX Runtime (torchvision export)"
[ -f "$PEERS/results/convnext_tiny.onnx" ] || (cd $PEERS && $PY bench_zoo_torch.py convnext_tiny export >&2)
(cd $PEERS && $ORT bench results/convnext_tiny.onnx 5 2) | json | sed 's/"B4_resnet18_/"zoo_convnext_tiny_/' >> $OUT/zoo.jsonl
log "convnext_tiny PyTorch NCHW (2 trials; train 1 trial of 2 steps)"
(cd $PEERS && $PY bench_zoo_torch.py convnext_tiny infer --trials 2 --tag env-Haswell) | json >> $OUT/zoo.jsonl
(cd $PEERS && $PY bench_zoo_torch.py convnext_tiny train --trials 1 --steps 2 --tag env-Haswell) | json >> $OUT/zoo.jsonl
log "maxvit_t Fovea"
dotnet bench/Fovea.Bench/bin/Release/net10.0/Fovea.Bench.dll --json zoo_maxvit_t zoo_maxvit_t_train | json >> $OUT/zoo.jsonl
log "maxvit_t PyTorch NCHW (2 trials; train 1 trial of 2 steps)"
(cd $PEERS && $PY bench_zoo_torch.py maxvit_t infer --trials 2 --tag env-Haswell) | json >> $OUT/zoo.jsonl
(cd $PEERS && $PY bench_zoo_torch.py maxvit_t train --trials 1 --steps 2 --tag env-Haswell) | json >> $OUT/zoo.jsonl
log "maxvit_t ONNX Runtime (torchvision export)"
[ -f "$PEERS/results/maxvit_t.onnx" ] || (cd $PEERS && $PY bench_zoo_torch.py maxvit_t export >&2)
(cd $PEERS && $ORT bench results/maxvit_t.onnx 5 2) | json | sed 's/"B4_resnet18_/"zoo_maxvit_t_/' >> $OUT/zoo.jsonl
log "done"
