#!/usr/bin/python3
"""Validates a .safetensors file against the format's specification, independently of Fovea's C# reader.

Usage: /usr/bin/python3 tools/check_safetensors.py FILE [FILE...]
Checks what Hugging Face's loader requires: 8-byte little-endian header size, a UTF-8 JSON object header, dtype and
shape per tensor, data_offsets that are in order, contiguous, non-overlapping and cover the whole data section, and
"__metadata__" with string values only. Prints each tensor with its shape and the sum of its values (numpy).
"""
import json, struct, sys
import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def check(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    assert isinstance(header, dict), "header is not a JSON object"
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()), "metadata values must be strings"
    body = data[8 + n:]
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    pos = 0
    for begin, end, name in spans:
        assert begin == pos, f"{name}: data starts at {begin}, expected {pos} (gap or overlap)"
        pos = end
    assert pos == len(body), f"data section has {len(body)} bytes, tensors cover {pos}"
    for name, v in header.items():
        b, e = v["data_offsets"]
        arr = np.frombuffer(body[b:e], dtype=np.dtype(DTYPES[v["dtype"]]).newbyteorder("<")).reshape(v["shape"])
        print(f"  {name:40s} {v['dtype']} {list(arr.shape)} sum={float(arr.sum(dtype=np.float64)):.6g}")
    print(f"{path}: OK ({len(header)} tensors, metadata {meta})")


for p in sys.argv[1:]:
    check(p)
