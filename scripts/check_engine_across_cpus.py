"""Does the sentence embedder give the same vectors on another CPU? Embeds a few posts natively
and again under `qemu-x86_64 -cpu EPYC-Rome` (an AMD CPU with AVX2 and no AVX-512, emulated), so
ONNX Runtime picks other kernels, then prints the largest difference in a vector and the largest
change it could make to a stage-2 probability of the shipped model (the calibration's slope, at
most a / 4, times the change in the embedding's share of the score).

Needs Debian's qemu-user (`apt-get install qemu-user`). Emulation is slow: about 90 s a post.
Usage: python scripts/check_engine_across_cpus.py [--cpu EPYC-Rome] [--posts 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

POSTS = [
    "Morgen 20:00 iedereen naar het Stadhuisplein, neem vuurwerk mee",
    "De gemeente werkt samen met politie en OM aan de veiligheid in de wijk.",
    "die lui moeten allemaal opgerot, ze verpesten onze stad",
    "Zaterdag is de braderie in het centrum, kom gezellig langs!",
]


def embed_to(path: Path, n: int) -> None:
    from nlp.e5_engine import E5Engine

    np.save(path, E5Engine().query(POSTS[:n]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", default="EPYC-Rome")
    parser.add_argument("--posts", type=int, default=3)
    parser.add_argument("--embed-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.embed_to:
        embed_to(args.embed_to, args.posts)
        return 0
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        print("qemu-x86_64 not found: apt-get install qemu-user", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        native, emulated = Path(tmp, "native.npy"), Path(tmp, "emulated.npy")
        embed_to(native, args.posts)
        subprocess.run([qemu, "-cpu", args.cpu, sys.executable, __file__, "--posts",
                        str(args.posts), "--embed-to", str(emulated)], check=True,
                       stderr=subprocess.DEVNULL)
        a, b = np.load(native), np.load(emulated)
    from nlp.api import get_enricher

    clf = get_enricher().clf
    n = len(clf.feature_names)
    delta = (a - b) * clf.emb_weight
    worst = max(clf.dense_calibration[label][0] / 4
                * float(np.abs(delta @ clf.dense_models[label].coef_[0][n:]).max())
                for label in clf.thresholds)
    print(f"{args.posts} posts, this CPU against qemu -cpu {args.cpu}: largest difference in a "
          f"vector {np.abs(a - b).max():.2e}; largest possible change in a stage-2 probability "
          f"{worst:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
