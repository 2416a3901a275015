"""What machine a benchmark figure comes from: every figure is printed with the CPU model, its
vector extensions and the load. `AVX2_ONLY` keeps numpy's and OpenBLAS's AVX-512 kernels out.
ONNX Runtime, which runs the sentence embedder, picks its float32 kernels from the CPU when it
starts (AVX-512 where the CPU has it) and has no switch to refuse them, so a figure for it is the
CPU's own; the vectors are the same to about 1e-7 (nlp/e5_graph.py)."""

from __future__ import annotations

import os
from pathlib import Path

# Environment that keeps numpy's and OpenBLAS's AVX-512 kernels out of a benchmark run.
AVX2_ONLY = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
             "OPENBLAS_CORETYPE": "Haswell"}


def cpu_info() -> dict[str, object]:
    model, flags = "unknown", set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    vector = [f for f in ("avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni") if f in flags]
    info: dict[str, object] = {"cpu_model": model, "cpu_vector_extensions": vector,
                               "cpus": os.cpu_count(),
                               "load_average_1m": round(os.getloadavg()[0], 2)}
    if AVX2_ONLY.items() <= os.environ.items():
        # numpy and OpenBLAS were told not to use AVX-512; ONNX Runtime cannot be told.
        settings = " ".join(f"{k}={v!r}" for k, v in AVX2_ONLY.items())
        info["code_paths"] = (f"numpy and OpenBLAS AVX2 only ({settings}); ONNX Runtime's "
                              "kernels chosen by the CPU")
    return info
