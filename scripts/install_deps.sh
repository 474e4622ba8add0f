#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages adasim needs that are missing (run as root on Debian 12).
#   scripts/install_deps.sh          build + test dependencies
#   scripts/install_deps.sh --tools  also GTKWave (traces) and matplotlib (plots/)
#   scripts/install_deps.sh --sanitizers  also clang-14 and libFuzzer (the "asan" and "fuzz"
#                                         presets, CI's sanitizer and fuzz stages)
set -euo pipefail

pkgs=(g++ make cmake pkg-config libsystemc-dev libboost-program-options-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev libprotobuf-dev libonnx-dev libonnx-testdata python3
      python3-jsonschema)
for opt in "$@"; do
  case "$opt" in
    --tools) pkgs+=(gtkwave python3-matplotlib) ;;
    --sanitizers) pkgs+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev) ;;
    *) echo "install_deps: unknown option $opt (--tools, --sanitizers)" >&2; exit 1 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install_deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
