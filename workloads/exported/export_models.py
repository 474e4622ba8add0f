#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Real models as their users export them, with reference outputs from PyTorch itself.

    /usr/bin/python3 workloads/exported/export_models.py          # the small files (checked in)
    /usr/bin/python3 workloads/exported/export_models.py --full   # + 224x224 torchvision models and
                                                                  #   BERT-base into full/ (large,
                                                                  #   not checked in)

Needs python3-torch (1.13), python3-torchvision (0.14), python3-onnx, python3-numpy and, for the
Fashion-MNIST CNN, dataset-fashion-mnist. No downloads: every weight is seeded random (torch's
default initialisation) except the Fashion-MNIST CNN, which is trained here. Each model comes as
ONNX float (torch.onnx.export, opset 13; 17 for the encoder) and, for the torchvision models, in the
QDQ form of PyTorch's FX post-training quantization (prepare_fx with the default fbgemm qconfig,
calibration on seeded inputs, convert_fx, torch.onnx.export), with an input and PyTorch's outputs
for it (float model and quantized model). See README.md in this folder.
"""
import argparse
import copy
import json
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

HERE = os.path.dirname(os.path.abspath(__file__))
# The Fashion-MNIST reader and training loop of the pruned CNN's script (same data, same loop).
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
from make_model import load_idx, train  # noqa: E402


def seed(s):
    torch.manual_seed(s)
    np.random.seed(s)


def save_tensor(path, arr, name):
    t = numpy_helper.from_array(np.ascontiguousarray(arr), name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def export(model, x, path, opset=13, **kw):
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], **kw)


# ------------------------------------------------------------------------------- torchvision
def resnet18_narrow(width):
    """torchvision's ResNet-18 (its ResNet class, BasicBlock, [2, 2, 2, 2]) with stage widths
    width, 2 width, 4 width, 8 width instead of 64 .. 512 and 10 classes: the same layers and
    shapes in a file small enough to check in."""
    from torchvision.models.resnet import BasicBlock, ResNet
    net = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)
    net.inplanes = width
    net.conv1 = torch.nn.Conv2d(3, width, 7, 2, 3, bias=False)
    net.bn1 = torch.nn.BatchNorm2d(width)
    net.layer1 = net._make_layer(BasicBlock, width, 2)
    net.layer2 = net._make_layer(BasicBlock, 2 * width, 2, stride=2)
    net.layer3 = net._make_layer(BasicBlock, 4 * width, 2, stride=2)
    net.layer4 = net._make_layer(BasicBlock, 8 * width, 2, stride=2)
    net.fc = torch.nn.Linear(8 * width, 10)
    return net


def fx_quantize(net, shape, samples=16):
    """PyTorch FX post-training quantization (fbgemm: per-channel int8 weights, uint8
    activations), calibrated on seeded standard-normal inputs."""
    qm = get_default_qconfig_mapping("fbgemm")
    prepared = prepare_fx(copy.deepcopy(net), qm, example_inputs=(torch.randn(shape),))
    with torch.no_grad():
        for _ in range(samples):
            prepared(torch.randn(shape))
    return convert_fx(prepared)


def torchvision_model(name, net, shape, out_dir):
    """float and QDQ ONNX files, an input, the float and quantized models' outputs."""
    net = net.eval()
    x = torch.randn(shape)
    export(net, x, os.path.join(out_dir, name + "_float.onnx"))
    q = fx_quantize(net, shape)
    export(q, x, os.path.join(out_dir, name + "_qdq.onnx"))
    data = os.path.join(out_dir, name + "_data")
    os.makedirs(data, exist_ok=True)
    save_tensor(os.path.join(data, "input_0.pb"), x.numpy(), "input")
    with torch.no_grad():
        save_tensor(os.path.join(data, "output_float.pb"), net(x).numpy(), "output")
        save_tensor(os.path.join(data, "output_quantized.pb"), q(x).numpy(), "output")


# ---------------------------------------------------------------------------- Fashion-MNIST
class FmnistCnn(torch.nn.Module):
    """conv-BN-ReLU x2 with max pooling, conv-BN-ReLU6, global average pool, linear."""

    def __init__(self):
        super().__init__()
        def block(i, o):
            return [torch.nn.Conv2d(i, o, 3, padding=1, bias=False), torch.nn.BatchNorm2d(o)]
        self.features = torch.nn.Sequential(
            *block(1, 16), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            *block(16, 32), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            *block(32, 32), torch.nn.ReLU6())
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


def fashion_mnist(out_dir):
    """Trains the CNN (2 epochs, Adam), exports it twice (BatchNorm folded by torch, and kept),
    writes 64 training images as PGM files for calibration, 256 test images and the float
    model's predictions."""
    torch.use_deterministic_algorithms(True)
    seed(3)
    xtr = torch.from_numpy(load_idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    ytr = torch.from_numpy(load_idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = load_idx("t10k-images-idx3-ubyte.gz")[:256].astype(np.float32) / 255
    yte = load_idx("t10k-labels-idx1-ubyte.gz")[:256].astype(np.int64)
    net = FmnistCnn()
    train(net, xtr, ytr, epochs=2, lr=2e-3, seed=5)
    net.eval()
    x1 = torch.zeros(1, 1, 28, 28)
    dyn = {"input": {0: "batch"}, "output": {0: "batch"}}
    export(net, x1, os.path.join(out_dir, "fmnist_cnn_float.onnx"), dynamic_axes=dyn)
    export(net, x1, os.path.join(out_dir, "fmnist_cnn_float_bn.onnx"), dynamic_axes=dyn,
           training=torch.onnx.TrainingMode.PRESERVE)
    calib = os.path.join(out_dir, "fmnist_calib")
    os.makedirs(calib, exist_ok=True)
    raw = load_idx("train-images-idx3-ubyte.gz")
    for i in range(64):  # binary PGM (P5), pixel / 255 is the model's input
        with open(os.path.join(calib, "train_%02d.pgm" % i), "wb") as f:
            f.write(b"P5\n28 28\n255\n" + raw[i].tobytes())
    np.save(os.path.join(out_dir, "fmnist_test_256.npy"), xte[:, None])
    with torch.no_grad():
        logits = net(torch.from_numpy(xte[:, None])).numpy()
    ref = {"labels": yte.tolist(), "float_predictions": logits.argmax(1).tolist(),
           "float_accuracy": float((logits.argmax(1) == yte).mean())}
    with open(os.path.join(out_dir, "fmnist_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    torch.use_deterministic_algorithms(False)


# ------------------------------------------------------------------------ transformer encoder
class EncoderLayer(torch.nn.Module):
    """A BERT encoder layer: multi-head self-attention (Q, K, V, output projections) with
    residual and LayerNorm, then the GELU feed-forward with residual and LayerNorm."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (torch.nn.Linear(d, d) for _ in range(4))
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.ff1, self.ff2 = torch.nn.Linear(d, ff), torch.nn.Linear(ff, d)

    def forward(self, x):
        b, s, d = x.shape
        def heads(t):
            return t.view(b, s, self.h, self.dh).transpose(1, 2)
        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) / self.dh ** 0.5, dim=-1)
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


def encoder(name, d, heads, ff, seq, out_dir):
    net = EncoderLayer(d, heads, ff).eval()
    x = torch.randn(1, seq, d)
    export(net, x, os.path.join(out_dir, name + "_float.onnx"), opset=17)
    data = os.path.join(out_dir, name + "_data")
    os.makedirs(data, exist_ok=True)
    save_tensor(os.path.join(data, "input_0.pb"), x.numpy(), "input")
    with torch.no_grad():
        save_tensor(os.path.join(data, "output_float.pb"), net(x).numpy(), "output")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also the 224x224 models and BERT-base")
    args = ap.parse_args()
    torch.set_num_threads(2)
    seed(0)
    torchvision_model("mobilenet_v2_w025_64", torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10),
                      (1, 3, 64, 64), HERE)
    seed(1)
    torchvision_model("resnet18_w8_64", resnet18_narrow(8), (1, 3, 64, 64), HERE)
    seed(2)
    encoder("encoder_small", 64, 4, 256, 16, HERE)
    fashion_mnist(HERE)
    if args.full:
        full = os.path.join(HERE, "full")
        os.makedirs(full, exist_ok=True)
        seed(10)
        torchvision_model("resnet18_224", torchvision.models.resnet18(), (1, 3, 224, 224), full)
        seed(11)
        torchvision_model("mobilenet_v2_224", torchvision.models.mobilenet_v2(), (1, 3, 224, 224), full)
        seed(12)  # ResNet-50: the import benchmark (bench/bench_import)
        torchvision_model("resnet50_224", torchvision.models.resnet50(), (1, 3, 224, 224), full)
        seed(13)
        encoder("bert_base_encoder", 768, 12, 3072, 128, full)


if __name__ == "__main__":
    main()
