#!/usr/bin/python3
"""Writes small .npy files with numpy into tests/golden/npy/ for the .npy reader's tests (values are arange-based
so the tests state them inline). Usage: /usr/bin/python3 tools/golden/make_npy.py"""
import os
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden", "npy")
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "f4_2x3.npy"), np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5)
np.save(os.path.join(out, "f8_scalar.npy"), np.float64(0.125))
np.save(os.path.join(out, "i8_5.npy"), np.arange(5, dtype=np.int64) * -3)
np.save(os.path.join(out, "u1_2x2x2.npy"), np.arange(8, dtype=np.uint8).reshape(2, 2, 2) * 30)
np.save(os.path.join(out, "f4_fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(os.path.join(out, "f2_4.npy"), np.array([0.5, -1.0, 2.0, 65504.0], dtype=np.float16))
print("wrote", sorted(os.listdir(out)))
