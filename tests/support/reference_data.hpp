// SPDX-License-Identifier: Apache-2.0
// Where the tests find the outside reference data that Debian packages install.
#pragma once

#include <string>

namespace adasim::test {

/// The ONNX backend node tests of libonnx-testdata (one folder per case: model.onnx and
/// test_data_set_N/{input,output}_K.pb).
inline const std::string kOnnxNodeData = "/usr/share/libonnx-testdata/data/node/";

}  // namespace adasim::test
