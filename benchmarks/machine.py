"""What machine a benchmark figure comes from: the embedding stage is about 4x slower on CPUs
without AVX-512, so every figure is printed with the CPU model and its vector extensions."""

from __future__ import annotations

import os
from pathlib import Path


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
    return {"cpu_model": model, "cpu_vector_extensions": vector, "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2)}
