#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the shipped adasim-graph JSON models of this folder (stdlib only).

Layer shapes are public facts (papers and torchvision model definitions, named in each graph's
"description"). Quantization is 8-bit symmetric everywhere: graph inputs use scale 2^-5, and each
weight gets a power-of-two scale near 1 / (128 * sqrt(fan_in)), so that requantizing a layer of
uniformly random int8 operands (multiplier = s_in * s_w / s_out, a shift) keeps outputs in range
instead of saturating. BatchNorm is folded into the convolutions, dropout is omitted, ReLU6 is
a fused ReLU (the clip at 6 is the requantization saturation), flatten is implicit in "fc".

Usage: python3 generate_models.py [output_dir]   (default: the directory of this script)
"""
import json
import math
import os
import sys

ACT_SCALE = 2.0 ** -5


def pow2_scale(x):
    """The power of two nearest (in log scale) to 1 / x."""
    return 2.0 ** -round(math.log2(x))


def narrow_name(name, bits):
    return name if bits == 8 else f"{name}_w{bits}a{bits}"


def narrow_note(bits):
    if bits == 8:
        return ""
    return (f"{bits}-bit weights and activations (every tensor declared with bits {bits}; "
            f"scales as the 8-bit graph's per quantization level), for precision-scalable "
            f"PEs. ")


class GraphBuilder:
    def __init__(self, name, description, batch=1, bits=8):
        self.name = name
        self.description = description
        self.batch = batch
        self.bits = bits  # operand width of every activation and weight (8, or 4 for w4a4)
        self.tensors = []
        self.layers = []
        self.inputs = []
        self.outputs = []
        self.shape = {}

    def input(self, name, shape):
        shape = [self.batch] + list(shape)
        self.tensors.append({"name": name, "shape": shape, **self._act_quant()})
        self.inputs.append(name)
        self.shape[name] = shape
        return name

    def _act_quant(self):
        """Quantization of an activation: 8-bit keeps the defaults' scale; narrower widths keep
        the same real range per level of 2^(8 - bits) (so outputs stay in range as in 8 bits)."""
        if self.bits == 8:
            return {"scale": ACT_SCALE}
        return {"bits": self.bits, "scale": ACT_SCALE * 2.0 ** (8 - self.bits)}

    def _weight_quant(self, fan_in):
        """Power-of-two weight scale near 1 / (2^(bits-1) * sqrt(fan_in)), with its width."""
        q = {"scale": pow2_scale(2 ** (self.bits - 1) * math.sqrt(fan_in))}
        if self.bits != 8:
            q["bits"] = self.bits
        return q

    def _layer(self, layer, out_shape):
        self.layers.append(layer)
        self.shape[layer["output"]] = out_shape
        if self.bits != 8 and not any(t["name"] == layer["output"] for t in self.tensors):
            # Narrow graphs declare every layer output so that its width is the graph's.
            self.tensors.append({"name": layer["output"], "shape": out_shape,
                                 **self._act_quant()})
        return layer["output"]

    def conv(self, name, x, k, kernel, stride=1, pad=0, groups=1, relu=True):
        n, c, h, w = self.shape[x]
        r, s = (kernel, kernel) if isinstance(kernel, int) else kernel
        st = [stride, stride] if isinstance(stride, int) else list(stride)
        pads = [pad, pad, pad, pad] if isinstance(pad, int) else list(pad)  # t, l, b, r
        p = (h + pads[0] + pads[2] - r) // st[0] + 1
        q = (w + pads[1] + pads[3] - s) // st[1] + 1
        layer = {"name": name, "op": "conv2d", "inputs": [x], "output": name + ".out",
                 "out_channels": k, "kernel": [r, s]}
        if st != [1, 1]:
            layer["stride"] = st
        if any(pads):
            layer["padding"] = pads if pads[0:2] != pads[2:4] else pads[0:2]
        if groups != 1:
            layer["groups"] = groups
        if relu:
            layer["relu"] = True
        layer["weight_quant"] = self._weight_quant(c // groups * r * s)
        return self._layer(layer, [n, k, p, q])

    def fc(self, name, x, k, relu=False):
        n = self.shape[x][0]
        c = math.prod(self.shape[x][1:])
        layer = {"name": name, "op": "fc", "inputs": [x], "output": name + ".out",
                 "out_features": k}
        if relu:
            layer["relu"] = True
        layer["weight_quant"] = self._weight_quant(c)
        return self._layer(layer, [n, k])

    def linear(self, name, x, k, relu=False):
        """matmul of a [.., M, Kd] activation by a constant [Kd, k] weight."""
        kd = self.shape[x][-1]
        layer = {"name": name, "op": "matmul", "inputs": [x], "output": name + ".out",
                 "out_features": k}
        if relu:
            layer["relu"] = True
        layer["weight_quant"] = self._weight_quant(kd)
        return self._layer(layer, self.shape[x][:-1] + [k])

    def matmul(self, name, a, b):
        """Activation x activation: a [.., M, Kd], b [.., Kd, N]; output declared with a scale."""
        kd = self.shape[a][-1]
        out = self.shape[a][:-1] + [self.shape[b][-1]]
        self.tensors.append({"name": name + ".out", "shape": out,
                             "scale": ACT_SCALE * ACT_SCALE / pow2_scale(128 * math.sqrt(kd))})
        return self._layer({"name": name, "op": "matmul", "inputs": [a, b],
                            "output": name + ".out"}, out)

    def pool(self, name, op, x, kernel, stride, pad=0):
        n, c, h, w = self.shape[x]
        r, s = (kernel, kernel) if isinstance(kernel, int) else kernel
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        layer = {"name": name, "op": op, "inputs": [x], "output": name + ".out",
                 "kernel": [r, s], "stride": [sh, sw]}
        if pad:
            layer["padding"] = [pad, pad]
        p = (h + 2 * pad - r) // sh + 1
        q = (w + 2 * pad - s) // sw + 1
        return self._layer(layer, [n, c, p, q])

    def add(self, name, a, b, relu=False):
        assert self.shape[a] == self.shape[b], (name, self.shape[a], self.shape[b])
        layer = {"name": name, "op": "add", "inputs": [a, b], "output": name + ".out"}
        if relu:
            layer["relu"] = True
        return self._layer(layer, self.shape[a])

    def to_json(self):
        return {"format": "adasim-graph", "version": 1, "name": self.name,
                "description": self.description, "batch": self.batch, "inputs": self.inputs,
                "outputs": self.outputs, "tensors": self.tensors, "layers": self.layers}


def alexnet():
    g = GraphBuilder("alexnet", "AlexNet as in torchvision.models.alexnet (the single-tower "
                     "variant of Krizhevsky 2014, 'One weird trick': 64-192-384-256-256 conv "
                     "channels), 224x224 input. AdaptiveAvgPool(6x6) is the identity at 224 "
                     "and is omitted; dropout omitted.")
    x = g.input("image", [3, 224, 224])
    x = g.conv("conv1", x, 64, 11, stride=4, pad=2)
    x = g.pool("pool1", "maxpool", x, 3, 2)
    x = g.conv("conv2", x, 192, 5, pad=2)
    x = g.pool("pool2", "maxpool", x, 3, 2)
    x = g.conv("conv3", x, 384, 3, pad=1)
    x = g.conv("conv4", x, 256, 3, pad=1)
    x = g.conv("conv5", x, 256, 3, pad=1)
    x = g.pool("pool5", "maxpool", x, 3, 2)
    x = g.fc("fc6", x, 4096, relu=True)
    x = g.fc("fc7", x, 4096, relu=True)
    g.outputs = [g.fc("fc8", x, 1000)]
    return g


def vgg16():
    g = GraphBuilder("vgg16", "VGG-16 (Simonyan & Zisserman 2015, configuration D) as in "
                     "torchvision.models.vgg16: 3x3 convs with padding 1, 2x2/2 max pools, "
                     "224x224 input. AdaptiveAvgPool(7x7) is the identity at 224; dropout "
                     "omitted.")
    x = g.input("image", [3, 224, 224])
    cfg = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
    for stage, widths in enumerate(cfg, start=1):
        for i, k in enumerate(widths, start=1):
            x = g.conv(f"conv{stage}_{i}", x, k, 3, pad=1)
        x = g.pool(f"pool{stage}", "maxpool", x, 2, 2)
    x = g.fc("fc6", x, 4096, relu=True)
    x = g.fc("fc7", x, 4096, relu=True)
    g.outputs = [g.fc("fc8", x, 1000)]
    return g


def resnet_stem(g):
    x = g.input("image", [3, 224, 224])
    x = g.conv("conv1", x, 64, 7, stride=2, pad=3)
    return g.pool("maxpool", "maxpool", x, 3, 2, pad=1)


def resnet_head(g, x):
    x = g.pool("avgpool", "avgpool", x, 7, 7)
    g.outputs = [g.fc("fc", x, 1000)]


def resnet18():
    g = GraphBuilder("resnet18", "ResNet-18 (He et al. 2016) as in torchvision.models.resnet18: "
                     "BasicBlocks [2,2,2,2], 224x224 input; stride-2 blocks use a 1x1/2 "
                     "downsample conv on the shortcut; AdaptiveAvgPool = 7x7/7 avgpool.")
    x = resnet_stem(g)
    cin = 64
    for stage, (width, stride) in enumerate([(64, 1), (128, 2), (256, 2), (512, 2)], start=1):
        for b in range(2):
            s = stride if b == 0 else 1
            p = f"layer{stage}.{b}"
            y = g.conv(p + ".conv1", x, width, 3, stride=s, pad=1)
            y = g.conv(p + ".conv2", y, width, 3, pad=1, relu=False)
            sc = x
            if s != 1 or cin != width:
                sc = g.conv(p + ".downsample", x, width, 1, stride=s, relu=False)
            x = g.add(p + ".add", y, sc, relu=True)
            cin = width
    resnet_head(g, x)
    return g


def resnet50(bits=8):
    g = GraphBuilder(narrow_name("resnet50", bits), narrow_note(bits) + "ResNet-50 v1.5 (He et al. 2016; torchvision.models.resnet50): "
                     "Bottlenecks [3,4,6,3] with expansion 4 and the stride on the 3x3 conv, "
                     "1x1 downsample convs on the first block of each stage, 224x224 input; "
                     "AdaptiveAvgPool = 7x7/7 avgpool.", bits=bits)
    x = resnet_stem(g)
    stages = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]
    for stage, (width, blocks, stride) in enumerate(stages, start=1):
        for b in range(blocks):
            s = stride if b == 0 else 1
            p = f"layer{stage}.{b}"
            y = g.conv(p + ".conv1", x, width, 1)
            y = g.conv(p + ".conv2", y, width, 3, stride=s, pad=1)
            y = g.conv(p + ".conv3", y, 4 * width, 1, relu=False)
            sc = x
            if b == 0:
                sc = g.conv(p + ".downsample", x, 4 * width, 1, stride=s, relu=False)
            x = g.add(p + ".add", y, sc, relu=True)
    resnet_head(g, x)
    return g


def mobilenet_v2(bits=8):
    g = GraphBuilder(narrow_name("mobilenet_v2", bits), narrow_note(bits) + "MobileNetV2 (Sandler et al. 2018) as in "
                     "torchvision.models.mobilenet_v2, width 1.0, 224x224 input: inverted "
                     "residuals (t,c,n,s) = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) "
                     "(6,96,3,1) (6,160,3,2) (6,320,1,1), residual add when stride 1 and "
                     "in == out channels, linear bottlenecks; ReLU6 as fused ReLU; "
                     "AdaptiveAvgPool = 7x7/7 avgpool; dropout omitted.", bits=bits)
    x = g.input("image", [3, 224, 224])
    x = g.conv("features.0", x, 32, 3, stride=2, pad=1)
    cin = 32
    idx = 1
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            p = f"features.{idx}"
            hidden = cin * t
            y = x
            if t != 1:
                y = g.conv(p + ".expand", y, hidden, 1)
            y = g.conv(p + ".dw", y, hidden, 3, stride=stride, pad=1, groups=hidden)
            y = g.conv(p + ".project", y, c, 1, relu=False)
            if stride == 1 and cin == c:
                y = g.add(p + ".add", y, x)
            x = y
            cin = c
            idx += 1
    x = g.conv(f"features.{idx}", x, 1280, 1)
    x = g.pool("avgpool", "avgpool", x, 7, 7)
    g.outputs = [g.fc("classifier", x, 1000)]
    return g


def ds_cnn_kws(bits=8):
    g = GraphBuilder(narrow_name("ds_cnn_kws", bits), narrow_note(bits) + "DS-CNN (small) keyword spotting network of Zhang et al., "
                     "'Hello Edge: Keyword Spotting on Microcontrollers', 2017 (ARM "
                     "ML-KWS-for-MCU): 49x10 MFCC input, conv 10x4 stride 2 with 64 channels "
                     "(TF 'SAME' padding: top 4, left 1, bottom 5, right 1 -> 25x5), 4 "
                     "depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, 64 channels), "
                     "average pool over 25x5, FC to 12 classes.", bits=bits)
    x = g.input("mfcc", [1, 49, 10])
    x = g.conv("conv1", x, 64, [10, 4], stride=2, pad=[4, 1, 5, 1])
    for b in range(1, 5):
        x = g.conv(f"ds{b}.dw", x, 64, 3, pad=1, groups=64)
        x = g.conv(f"ds{b}.pw", x, 64, 1)
    x = g.pool("avgpool", "avgpool", x, [25, 5], [25, 5])
    g.outputs = [g.fc("fc", x, 12)]
    return g


def bert_base_encoder():
    seq, hidden, heads, ffn = 128, 768, 12, 3072
    dh = hidden // heads
    g = GraphBuilder("bert_base_encoder", "One BERT-base encoder layer (Devlin et al. 2019): "
                     "sequence 128, hidden 768, 12 heads of 64, FFN 3072. Q/K/V/output "
                     "projections and the FFN are matmuls by constant weights; Q.K^T and A.V "
                     "are per-head activation x activation matmuls. Softmax, LayerNorm, GELU, "
                     "the 1/sqrt(64) scaling and biases are not ops of the IR and are omitted "
                     "(A.V reads the raw scores). The IR has no reshape/transpose: the per-head "
                     "views of q, k, v ([1,12,128,64]; K already transposed to [1,12,64,128]) "
                     "and the head-merged context [1,128,768] are graph inputs standing for "
                     "those re-laid-out tensors, and q, k, v, the per-head context are graph "
                     "outputs.")
    x = g.input("x", [seq, hidden])
    q_heads = g.input("q_heads", [heads, seq, dh])
    k_heads_t = g.input("k_heads_t", [heads, dh, seq])
    v_heads = g.input("v_heads", [heads, seq, dh])
    merged = g.input("context_merged", [seq, hidden])
    q = g.linear("q_proj", x, hidden)
    k = g.linear("k_proj", x, hidden)
    v = g.linear("v_proj", x, hidden)
    scores = g.matmul("scores", q_heads, k_heads_t)
    ctx = g.matmul("context", scores, v_heads)
    attn = g.linear("out_proj", merged, hidden)
    h1 = g.add("residual1", x, attn)
    f = g.linear("ffn1", h1, ffn)
    f = g.linear("ffn2", f, hidden)
    y = g.add("residual2", h1, f)
    g.outputs = [y, q, k, v, ctx]
    return g


def tiny_cnn():
    g = GraphBuilder("tiny_cnn", "Toy CNN for tests: conv 3x3 pad 1, depthwise 3x3 stride 2, "
                     "pointwise 1x1, residual add (depthwise + pointwise outputs), maxpool "
                     "2x2/2, fc 10.")
    x = g.input("input", [8, 8, 8])
    x = g.conv("conv1", x, 16, 3, pad=1)
    d = g.conv("dw", x, 16, 3, stride=2, pad=1, groups=16)
    p = g.conv("pw", d, 16, 1)
    x = g.add("res", d, p, relu=True)
    x = g.pool("pool", "maxpool", x, 2, 2)
    g.outputs = [g.fc("fc", x, 10)]
    return g


def tiny_mlp():
    g = GraphBuilder("tiny_mlp", "Toy MLP for tests: fc 64 -> 32 (ReLU) -> 10.")
    x = g.input("input", [64])
    x = g.fc("fc1", x, 32, relu=True)
    g.outputs = [g.fc("fc2", x, 10)]
    return g


def tiny_attention():
    g = GraphBuilder("tiny_attention", "Toy attention core for tests: 2 heads, sequence 8, head "
                     "dim 4: scores = Q.K^T ([1,2,8,4] x [1,2,4,8], K given already transposed) "
                     "and context = scores.V ([1,2,8,8] x [1,2,8,4]); no softmax.")
    q = g.input("q", [2, 8, 4])
    kt = g.input("k_t", [2, 4, 8])
    v = g.input("v", [2, 8, 4])
    s = g.matmul("scores", q, kt)
    g.outputs = [g.matmul("context", s, v)]
    return g


def dumps_compact(doc):
    """JSON with one top-level key per line and one tensor / layer per line."""
    lines = []
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if key in ("tensors", "layers"):
            body = ",\n".join("    " + json.dumps(e) for e in value)
            lines.append(f"  {json.dumps(key)}: [\n{body}\n  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    return "{\n" + "\n".join(lines) + "\n}\n"


MODELS = [alexnet, vgg16, resnet18, resnet50, mobilenet_v2, ds_cnn_kws, bert_base_encoder,
          tiny_cnn, tiny_mlp, tiny_attention,
          lambda: resnet50(bits=4), lambda: mobilenet_v2(bits=4), lambda: ds_cnn_kws(bits=4)]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for make in MODELS:
        g = make()
        path = os.path.join(out_dir, g.name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(dumps_compact(g.to_json()))
        print(f"{path}: {len(g.layers)} layers")


if __name__ == "__main__":
    main()
