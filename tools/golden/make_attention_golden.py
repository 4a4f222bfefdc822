#!/usr/bin/python3
"""Writes tests/golden/layernorm.safetensors and tests/golden/attention.safetensors: Keras-semantics
LayerNormalization and MultiHeadAttention written out in torch, with the weight layout Fovea uses (Keras's).

Same file format as make_golden.py (see README.md): tensors "caseNN.<what>", each case's parameters as a JSON string
under "caseNN" in the metadata, an upstream gradient r and the gradient of L = sum(y * r) for every input and weight.

LayerNormalization (keras.layers.LayerNormalization): per sample, over the listed axes together,
  y = (x - mean) / sqrt(var + eps) * gamma + beta, biased variance, gamma/beta shaped like the axes (ascending).
MultiHeadAttention (keras.layers.MultiHeadAttention, attention over axis 1):
  Q = einsum("btd,dhk->bthk", query, Wq) + bq, K and V likewise from key and value,
  logits = einsum("bshk,bthk->bhts", K, Q / sqrt(keyDim)), logits = where(mask, logits, -1e9) (Keras's masked
  softmax), scores = softmax over s, out = einsum("bhts,bshv->bthv", scores, V), y = einsum("bthv,hvo->bto", out, Wo)
  + bo. Where the configuration allows it, torch.nn.MultiheadAttention with the mapped weights is a second oracle:
  the script checks that it agrees and stores its output as caseNN.y_torch.

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_attention_golden.py
"""

import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, Golden, backward, check_torch  # noqa: E402

GENERATOR = "tools/golden/make_attention_golden.py"


# ------------------------------------------------------------------------------------------------ layernorm
def keras_layer_norm(x, axes, gamma, beta, eps):
    """Keras LayerNormalization over `axes` (non-negative, ascending); gamma/beta shaped like those axes."""
    mean = x.mean(dim=axes, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=axes, keepdim=True)
    y = (x - mean) / torch.sqrt(var + eps)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.dim())]
    if gamma is not None:
        y = y * gamma.reshape(shape)
    if beta is not None:
        y = y + beta.reshape(shape)
    return y


def layernorm():
    g = Golden("layernorm", 11)
    g.meta["generator"] = GENERATOR
    # (input shape, axis as given to Fovea/Keras, epsilon, center, scale)
    grid = [
        ([4, 6], -1, 1e-3, True, True),
        ([2, 5, 8], -1, 1e-6, True, True),
        ([2, 4, 3, 5], 1, 1e-6, True, True),  # channels of NCHW (the walkthrough's channels-last axis -1)
        ([2, 4, 3, 5], [1, 2, 3], 1e-3, True, True),
        ([2, 4, 3, 5], [1, 3], 1e-3, True, True),  # not contiguous
        ([2, 4, 3, 5], [-2, -1], 1e-5, False, True),
        ([3, 7], -1, 1e-3, True, False),
        ([2, 3, 4], 1, 1e-3, True, True),
        ([2, 6, 3], [-1, 1], 0.1, True, True),  # unsorted list
    ]
    for shape, axis, eps, center, scale in grid:
        rank = len(shape)
        axes = sorted(a % rank for a in (axis if isinstance(axis, list) else [axis]))
        wshape = [shape[a] for a in axes]
        x = (torch.randn(*shape) * 2 + 0.5).requires_grad_(True)
        gamma = (1 + 0.5 * torch.randn(*wshape)).requires_grad_(True) if scale else None
        beta = (0.5 * torch.randn(*wshape)).requires_grad_(True) if center else None
        y = keras_layer_norm(x, axes, gamma, beta, eps)
        if axes == list(range(rank - len(axes), rank)):  # trailing axes: torch's own layer_norm agrees
            ref = torch.nn.functional.layer_norm(x, wshape, gamma, beta, eps)
            assert torch.allclose(y, ref, atol=1e-5), f"layer_norm disagrees for {shape} {axis}"
        r, (dx, dg, db) = backward(y, x, gamma, beta)
        t = {"x": x, "y": y, "r": r, "dx": dx}
        if scale:
            t.update(gamma=gamma, dgamma=dg)
        if center:
            t.update(beta=beta, dbeta=db)
        g.case({"shape": shape, "axis": axis, "epsilon": eps, "center": center, "scale": scale}, t)
    g.save()


# ------------------------------------------------------------------------------------------------ attention
def keras_mha(query, value, key, mask, w):
    """Keras MultiHeadAttention forward; w holds wq, bq, wk, bk, wv, bv, wo, bo (biases may be None)."""
    def project(x, kernel, bias):
        y = torch.einsum("btd,dhk->bthk", x, kernel)
        return y if bias is None else y + bias

    key_dim = w["wq"].shape[2]
    q = project(query, w["wq"], w["bq"]) * (1.0 / math.sqrt(key_dim))
    k = project(key, w["wk"], w["bk"])
    v = project(value, w["wv"], w["bv"])
    logits = torch.einsum("bshk,bthk->bhts", k, q)
    if mask is not None:
        logits = torch.where(mask[:, None, :, :] > 0, logits, torch.tensor(-1e9))
    scores = torch.softmax(logits, dim=-1)
    out = torch.einsum("bhts,bshv->bthv", scores, v)
    y = torch.einsum("bthv,hvo->bto", out, w["wo"])
    if w["bo"] is not None:
        y = y + w["bo"]
    return y, scores


def torch_mha(query, value, key, mask, w, heads):
    """The same attention by torch.nn.MultiheadAttention (needs dq = dk = dv = out = heads * keyDim = heads * valueDim
    and no fully masked row)."""
    e = query.shape[2]
    m = torch.nn.MultiheadAttention(e, heads, bias=w["bq"] is not None, batch_first=True)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.cat([w[n].reshape(e, e).t() for n in ("wq", "wk", "wv")]))
        m.out_proj.weight.copy_(w["wo"].reshape(e, e).t())
        if w["bq"] is not None:
            m.in_proj_bias.copy_(torch.cat([w[n].reshape(e) for n in ("bq", "bk", "bv")]))
            m.out_proj.bias.copy_(w["bo"])
    attn_mask = None
    if mask is not None:  # torch: True = not allowed, one [T, S] mask per batch element and head
        attn_mask = (mask <= 0).repeat_interleave(heads, dim=0)
    y, scores = m(query, key, value, attn_mask=attn_mask, need_weights=True, average_attn_weights=False)
    return y, scores


def random_mask(b, t, s, empty_row=False):
    mask = (torch.rand(b, t, s) < 0.6).float()
    mask[:, :, 0] = torch.maximum(mask[:, :, 0], (mask.sum(-1) == 0).float())  # every row attends somewhere
    if empty_row:
        mask[0, 1, :] = 0  # a row with no allowed key: Keras attends uniformly
    return mask


def attention():
    g = Golden("attention", 12)
    g.meta["generator"] = GENERATOR
    # (B, T, S, dq, dv, dk or None (key = value), heads, keyDim, valueDim, useBias, outputShape, mask, self-attention)
    grid = [
        (2, 5, 5, 8, 8, None, 1, 8, 8, True, None, None, True),
        (2, 5, 5, 8, 8, None, 2, 4, 4, True, None, "mask", True),
        (2, 5, 5, 8, 8, None, 2, 3, 5, True, None, "mask", True),
        (2, 3, 6, 8, 6, None, 2, 4, 4, True, None, None, False),
        (2, 4, 5, 6, 7, 5, 3, 2, 3, True, 9, "empty_row", False),
        (2, 6, 6, 8, 8, None, 4, 2, 2, False, None, None, True),
        (3, 4, 7, 8, 8, 8, 2, 4, 4, True, None, "mask", False),
        (2, 3, 4, 5, 6, None, 2, 3, 2, True, None, "batch1", False),
    ]
    for b, t, s, dq, dv, dk, heads, key_dim, value_dim, use_bias, out_dim, mask_kind, self_attn in grid:
        out = out_dim or dq
        query = torch.randn(b, t, dq).requires_grad_(True)
        if self_attn:
            value = key = query
        else:
            value = torch.randn(b, s, dv).requires_grad_(True)
            key = torch.randn(b, s, dk).requires_grad_(True) if dk else value
        kdim = key.shape[2]
        w = {
            "wq": torch.randn(dq, heads, key_dim) / math.sqrt(dq),
            "wk": torch.randn(kdim, heads, key_dim) / math.sqrt(kdim),
            "wv": torch.randn(dv, heads, value_dim) / math.sqrt(dv),
            "wo": torch.randn(heads, value_dim, out) / math.sqrt(heads * value_dim),
        }
        if use_bias:
            w.update(bq=0.3 * torch.randn(heads, key_dim), bk=0.3 * torch.randn(heads, key_dim),
                     bv=0.3 * torch.randn(heads, value_dim), bo=0.3 * torch.randn(out))
        else:
            w.update(bq=None, bk=None, bv=None, bo=None)
        for v in w.values():
            if v is not None:
                v.requires_grad_(True)
        mask = None
        if mask_kind == "batch1":
            mask = random_mask(1, t, s)
        elif mask_kind is not None:
            mask = random_mask(b, t, s, empty_row=mask_kind == "empty_row")
        y, scores = keras_mha(query, value, key, mask, w)
        names = [n for n in ("wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo") if w[n] is not None]
        separate_key = key is not value
        inputs = [query] + ([] if self_attn else [value]) + ([key] if separate_key and not self_attn else [])
        r, grads = backward(y, *inputs, *[w[n] for n in names])
        tensors = {"query": query, "y": y, "scores": scores, "r": r, "dquery": grads[0]}
        if not self_attn:
            tensors.update(value=value, dvalue=grads[1])
            if separate_key:
                tensors.update(key=key, dkey=grads[2])
        if mask is not None:
            tensors["mask"] = mask
        for n, gr in zip(names, grads[len(inputs):]):
            tensors[n] = w[n]
            tensors["d" + n] = gr
        standard = dq == dv == kdim == out == heads * key_dim == heads * value_dim and mask_kind != "empty_row"
        if standard:
            with torch.no_grad():
                y2, s2 = torch_mha(query, value, key, mask, w, heads)
            assert torch.allclose(y, y2, atol=1e-5), f"nn.MultiheadAttention disagrees: {(y - y2).abs().max()}"
            assert torch.allclose(scores, s2, atol=1e-6), "nn.MultiheadAttention scores disagree"
            tensors["y_torch"] = y2
        params = {"batch": b, "t": t, "s": s, "num_heads": heads, "key_dim": key_dim, "value_dim": value_dim,
                  "use_bias": use_bias, "output_shape": out_dim, "mask": mask_kind, "self_attention": self_attn,
                  "separate_key": separate_key and not self_attn, "torch_oracle": standard}
        g.case(params, tensors)
    g.save()


def main():
    check_torch()
    os.makedirs(OUT, exist_ok=True)
    layernorm()
    attention()


if __name__ == "__main__":
    main()
