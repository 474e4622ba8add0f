#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the binary inputs of the invalid-input corpus (tests/invalid/README.md): the ONNX models
of onnx/ and the .npy / .pb tensor files of tensor/. Each is a small valid file with one defect,
built with the onnx and numpy modules of Debian's python3-onnx / python3-numpy. Rerun after
editing:  /usr/bin/python3 tests/invalid/make_inputs.py  (the outputs are committed)."""
import os
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_integer(x_dims=(1, 1, 4, 4), w=None, w_dims=None, attrs=None, w_as_input=False,
                 extra_nodes=(), extra_inits=()):
    """x (uint8 graph input) ConvInteger w (uint8) -> y (int32)."""
    inits = list(extra_inits)
    inputs = [helper.make_tensor_value_info("x", TensorProto.UINT8, list(x_dims))]
    if w_as_input:
        inputs.append(helper.make_tensor_value_info("w", TensorProto.UINT8, list(w_dims)))
    elif w is not None:
        inits.append(w)
    else:
        inits.append(numpy_helper.from_array(np.ones((2, 1, 3, 3), np.uint8), "w"))
    node = helper.make_node("ConvInteger", ["x", "w"], ["y"], name="conv", **(attrs or {}))
    graph = helper.make_graph(list(extra_nodes) + [node], "g", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.INT32, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def save(model, name):
    with open(os.path.join(HERE, "onnx", name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def raw_tensor(name, dtype, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def onnx_models():
    # A valid base for the cases below: conv_integer() itself.
    with open(os.path.join(HERE, "onnx", "01_not_protobuf.onnx"), "wb") as f:
        f.write(b"\xff\xff\xff\xff this is not a protobuf message")
    save(conv_integer(w=raw_tensor("w", TensorProto.UINT8, [0, 1, 3, 3], b"")), "02_weight_zero_dimension")
    save(conv_integer(x_dims=(1, 0, 4, 4)), "03_input_dimension_zero")
    save(conv_integer(x_dims=(1, 1, 1 << 40, 4)), "04_input_dimension_beyond_limit")
    save(conv_integer(x_dims=(1, 1 << 31, 1 << 31, 1 << 31)), "05_input_element_count_overflow")
    save(conv_integer(attrs={"group": 1 << 62}), "06_group_huge")
    shape = numpy_helper.from_array(np.array([1, 1, 1 << 40, 1], np.int64), "shape")
    reshape = helper.make_node("Reshape", ["x0", "shape"], ["x"], name="reshape")
    m = conv_integer(extra_nodes=[reshape], extra_inits=[shape])
    m.graph.input[0].name = "x0"
    save(m, "07_reshape_dimension_beyond_limit")
    m = conv_integer()
    m.graph.node[0].op_type = "Hardmax"  # Softmax became a supported vector layer
    m.graph.node[0].ClearField("input")
    m.graph.node[0].input.extend(["x"])
    save(m, "08_unsupported_operator")
    save(conv_integer(w=raw_tensor("w", TensorProto.UINT8, [2, 1, 3, 3], b"\x01" * 10)), "09_raw_data_size")
    save(conv_integer(w=raw_tensor("w", TensorProto.UINT8, [1 << 40, 1 << 40, 1, 1], b"")), "10_initializer_dims_overflow")
    save(conv_integer(attrs={"strides": [0, 1]}), "11_strides_zero")
    save(conv_integer(attrs={"pads": [-1, 0, 0, 0]}), "12_pads_negative")
    save(conv_integer(x_dims=(1, 1, 1 << 21, 1), w_as_input=True, w_dims=(1, 1, 1 << 21, 1)),
         "13_kernel_beyond_window_limit")
    m = conv_integer()
    m.graph.ClearField("node")
    save(m, "14_no_nodes")
    m = conv_integer()
    second = helper.make_node("ConvInteger", ["x", "w"], ["y"], name="conv_again")
    m.graph.node.append(second)
    save(m, "15_value_defined_twice")
    save(conv_integer(w=raw_tensor("w", TensorProto.DOUBLE, [2, 1, 3, 3], b"\0" * 144)), "16_weight_type_double")
    # The rank-3 value reaching the conv is an intermediate one (a Reshape's output): nothing
    # declares its rank, ONNX's shape inference works it out just before reading the conv.
    shape = numpy_helper.from_array(np.array([1, 1, 16], np.int64), "shape")
    reshape = helper.make_node("Reshape", ["x0", "shape"], ["x"], name="reshape")
    m = conv_integer(extra_nodes=[reshape], extra_inits=[shape])
    m.graph.input[0].name = "x0"
    save(m, "18_intermediate_rank_below_weight_rank")
    # fuzz_onnx's crash-a9e272db: a ConvTranspose weight declared as a sparse tensor. ONNX's
    # shape inference of ConvTranspose read it as a dense tensor and crashed in the library.
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 3, 3])
    w = helper.make_sparse_tensor_value_info("w", TensorProto.FLOAT, [1, 2, 3, 3])
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv", strides=[3, 2])
    graph = helper.make_graph([node], "g", [x, w],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 8)]),
         "19_weight_sparse_tensor")
    # An operator that makes a sequence (its consumers' inference would read it as a tensor).
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    split = helper.make_node("SplitToSequence", ["x"], ["s"], name="split", axis=1)
    at = helper.make_node("SequenceAt", ["s", "i"], ["y"], name="at")
    i = numpy_helper.from_array(np.array(0, np.int64), "i")
    graph = helper.make_graph([split, at], "g", [x],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [i])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
         "20_sequence_operator")
    # Control flow: an If whose branches are subgraphs.
    def branch(name):
        c = helper.make_node("Constant", [], [name], value=numpy_helper.from_array(
            np.ones((1, 4), np.float32)))
        return helper.make_graph([c], name, [], [helper.make_tensor_value_info(
            name, TensorProto.FLOAT, [1, 4])])
    cond = numpy_helper.from_array(np.array(True), "cond")
    node = helper.make_node("If", ["cond"], ["y"], name="if", then_branch=branch("a"),
                            else_branch=branch("b"))
    graph = helper.make_graph([node], "g", [],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [cond])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "21_subgraph")


def npy(name, header, data=b"", magic=b"\x93NUMPY", version=b"\x01\x00", folder="tensor"):
    """A .npy file from a header dict text (padded to 64 bytes as numpy does) and raw data."""
    text = header.encode()
    pad = (64 - (len(magic) + len(version) + 2 + len(text) + 1) % 64) % 64
    text += b" " * pad + b"\n"
    with open(os.path.join(HERE, folder, name + ".npy"), "wb") as f:
        f.write(magic + version + struct.pack("<H", len(text)) + text + data)


def pb(name, tensor):
    with open(os.path.join(HERE, "tensor", name + ".pb"), "wb") as f:
        f.write(tensor if isinstance(tensor, bytes) else tensor.SerializeToString())


def tensor_files():
    # tiny_mlp's input is [1, 64] int8.
    ok = "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 64), }"
    npy("01_npy_bad_magic", ok, bytes(64), magic=b"\x93NUMPZ")
    npy("02_npy_version_3", ok, bytes(64), version=b"\x03\x00")
    with open(os.path.join(HERE, "tensor", "03_npy_truncated_header.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00\x76\x00{'descr': '|i1',")
    npy("04_npy_fortran_order", ok.replace("False", "True"), bytes(64))
    npy("05_npy_dtype_float64", ok.replace("|i1", "<f8"), bytes(512))
    npy("06_npy_shape_overflow", ok.replace("(1, 64)", "(549755813888, 549755813888)"), bytes(64))
    npy("07_npy_data_size", ok, bytes(60))
    npy("08_npy_duplicate_header_key", ok.replace("}", "'shape': (1, 64), }"), bytes(64))
    pb("09_pb_not_protobuf", b"\xff\xff\xff\xff not a protobuf")
    pb("10_pb_negative_dim", raw_tensor("x", TensorProto.INT8, [1, -64], b""))
    pb("11_pb_dims_overflow", raw_tensor("x", TensorProto.INT8, [1 << 40, 1 << 40], b""))
    pb("12_pb_raw_data_size", raw_tensor("x", TensorProto.INT8, [1, 64], bytes(63)))
    pb("13_pb_type_double", raw_tensor("x", TensorProto.DOUBLE, [1, 64], bytes(512)))
    np.save(os.path.join(HERE, "tensor", "14_element_count.npy"), np.zeros((1, 32), np.int8))
    np.save(os.path.join(HERE, "tensor", "15_value_out_of_range.npy"),
            np.full((1, 64), 1000, np.int32))
    np.save(os.path.join(HERE, "tensor", "16_zero_dimension.npy"), np.zeros((1, 0), np.int8))
    # fuzz_tensor_pb finding: a zero last dim let the checked product pass while the element
    # count, multiplied in order, overflowed first (signed overflow, UBSan).
    pb("18_pb_dims_overflow_before_zero", raw_tensor("x", TensorProto.INT8, [1 << 40, 1 << 40, 0], b""))


def calib_files():
    # --calib data for workloads/exported/fmnist_cnn_float.onnx, whose input is [N, 1, 28, 28].
    def pgm(name, header, pixels):
        with open(os.path.join(HERE, "calib", name + ".pgm"), "wb") as f:
            f.write(header + pixels)
    pgm("01_pgm_maxval_15", b"P5\n28 28\n15\n", bytes(28 * 28))
    pgm("02_pgm_truncated", b"P5\n28 28\n255\n", bytes(100))
    pgm("03_ascii_pgm", b"P2\n2 2\n255\n0 1 2 3\n", b"")
    pgm("04_wrong_size", b"P5\n10 10\n255\n", bytes(100))
    # A header claiming 2^26 pixels over 3 bytes: refused before the pixels are allocated.
    pgm("09_pixels_beyond_file", b"P5\n65535 1024\n255\n", b"\x01\x02\x03")
    npy("05_uint8_tensor", "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 28, 28), }",
        bytes(784), folder="calib")


if __name__ == "__main__":
    onnx_models()
    tensor_files()
    calib_files()
