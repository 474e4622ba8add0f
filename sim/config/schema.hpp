// SPDX-License-Identifier: Apache-2.0
// The key tree of the architecture config (schema_version 1): which keys each object may hold.
// One table drives the parser's unknown-key checks and the --set override walker, so they agree.
#pragma once

#include "sim/core/suggest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace adasim::sim {

/// One node of the config key tree. Leaf values carry no type here: the parser checks types.
struct SchemaNode {
  enum class Kind {
    kLeaf,    ///< a value (number, string, bool)
    kObject,  ///< fixed set of named fields (`children`)
    kArray,   ///< elements shaped like `children[0]`
    kMap,     ///< object whose keys come from `map_keys`, each holding a leaf value
  };
  std::string name;
  Kind kind = Kind::kLeaf;
  std::vector<SchemaNode> children;
  std::vector<std::string> map_keys;

  /// Field `key` of an object node, or nullptr.
  const SchemaNode* find(const std::string& key) const;
  /// Field `key` of an object node; throws ModelError if absent (a bug in the caller).
  const SchemaNode& at(const std::string& key) const;
  /// The element node of an array node; throws ModelError for other kinds.
  const SchemaNode& element() const;
  /// Known keys (object fields or map keys), sorted.
  std::vector<std::string> keys() const;
};

/// The schema_version 1 key tree (built once, immutable).
const SchemaNode& arch_schema();

/// "a known key of /pe_array (did you mean 'rows'?); known keys: a, b, c".
std::string unknown_key_expectation(const std::string& key, const std::string& owner,
                                    const std::vector<std::string>& known);

}  // namespace adasim::sim
