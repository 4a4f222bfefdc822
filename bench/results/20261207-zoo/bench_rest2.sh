#!/usr/bin/env bash
# After PyTorch's ConvNeXt-T took 3.7 s per batch-1 call in NCHW too (and 3.66 s channels_last), its batch-16 and
# training runs were stopped; MaxViT-T: Fovea, ONNX Runtime, and PyTorch NCHW with one trial under a 4-minute limit.
cd /work/main
OUT=bench/results/20261207-zoo
PEERS=/tmp/peers
PY=/usr/bin/python3
ORT="dotnet $PEERS/onnxruntime/bin/Release/net10.0/OrtBench.dll"
json() { grep '^{' || true; }
log() { echo "== $(date +%T) $*" >> $OUT/log.txt; }
log "maxvit_t Fovea"
dotnet bench/Fovea.Bench/bin/Release/net10.0/Fovea.Bench.dll --json zoo_maxvit_t zoo_maxvit_t_train | json >> $OUT/zoo.jsonl
log "maxvit_t ONNX Runtime (torchvision export)"
[ -f "$PEERS/results/maxvit_t.onnx" ] || (cd $PEERS && $PY bench_zoo_torch.py maxvit_t export >&2)
(cd $PEERS && $ORT bench results/maxvit_t.onnx 5 2) | json | sed 's/"B4_resnet18_/"zoo_maxvit_t_/' >> $OUT/zoo.jsonl
log "maxvit_t PyTorch NCHW (1 trial, 4-minute limit)"
(cd $PEERS && timeout 240 $PY bench_zoo_torch.py maxvit_t infer --trials 1 --tag env-Haswell) | json >> $OUT/zoo.jsonl
log "done"
