#!/usr/bin/env bash
# Regenerates src/Fovea.Onnx/Protobuf/Onnx.cs from tools/onnx/onnx.proto (ONNX 1.12, Apache-2.0) with protoc from
# the NuGet package Google.Protobuf.Tools 3.36.2 (restore any project that references it, or
# `dotnet add package Google.Protobuf.Tools --version 3.36.2` in a scratch project, to fetch it).
# The generated file is committed; the library needs only the Google.Protobuf runtime package.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
protoc="${PROTOC:-$HOME/.nuget/packages/google.protobuf.tools/3.36.2/tools/linux_x64/protoc}"
if [[ ! -x "$protoc" ]]; then
  echo "protoc not found at $protoc (set PROTOC or restore Google.Protobuf.Tools 3.36.2)" >&2
  exit 1
fi
out="$root/src/Fovea.Onnx/Protobuf"
mkdir -p "$out"
"$protoc" --proto_path="$here" --csharp_out="$out" --csharp_opt=internal_access "$here/onnx.proto"
echo "wrote $out/Onnx.cs"
