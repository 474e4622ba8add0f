#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the simulation-speed benchmarks (build first: README command 1). Figures depend on the
# machine; bench/README.md records ours. Usage: bench/run_benchmarks.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
b="${1:-build}/bench/bench_sim"
echo "== per-cycle speed: one 3x3 conv, 32x32 WS, memory attached (configs/default.json)"
"$b" configs/default.json bench/workloads/conv3x3_56.json
echo "== same layer with stall-free memory (array + feeders only)"
"$b" configs/default.json bench/workloads/conv3x3_56.json --set memory.dram.ideal=true --set memory.sram.0.ideal=true
echo "== ResNet-50, batch 1, whole network, 32x32 WS"
"$b" configs/default.json workloads/models/resnet50.json
echo "== ResNet-50 on the output-stationary array"
"$b" configs/default.json workloads/models/resnet50.json --set pe_array.dataflow=os
echo "== MobileNetV2 and BERT-base encoder layer"
"$b" configs/default.json workloads/models/mobilenet_v2.json
"$b" configs/default.json workloads/models/bert_base_encoder.json
echo "== sparse datapath (issue 4): each run next to its dense twin (same values, mode none)"
echo "-- systolic IS, weights channel:0.5, inputs uniform:0.5: modes none / gate / skip"
for mode in none gate skip; do
  "$b" configs/default.json bench/workloads/conv3x3_56.json --set pe_array.dataflow=is \
    --weight-sparsity channel:0.5 --act-sparsity uniform:0.5 --set sparsity.mode=$mode
done
echo "-- N:M datapath: MobileNetV2 with 2:4 weights on the dense WS array, then sparsity.structured 2:4"
"$b" configs/default.json workloads/models/mobilenet_v2.json --set pe_array.dataflow=ws --weight-sparsity nm:2:4
"$b" configs/default.json workloads/models/mobilenet_v2.json --set pe_array.dataflow=ws --weight-sparsity nm:2:4 \
  --set 'sparsity.structured={"n":2,"m":4}'
echo "-- spatial RS (Eyeriss 12x14), AlexNet CONV1-5, weights uniform:0.4, inputs uniform:0.5: modes none / skip"
for mode in none skip; do
  "$b" configs/eyeriss/rs.json workloads/models/alexnet_eyeriss_conv.json \
    --weight-sparsity uniform:0.4 --act-sparsity uniform:0.5 --set sparsity.mode=$mode
done
echo "== spatial mapper: estimate throughput and search cost on a ResNet-50 3x3 conv, whole-network mapping time"
m="${1:-build}/bench/bench_mapper"
for df in rs ws os_a os_b os_c nlr; do
  "$m" configs/eyeriss/$df.json workloads/models/resnet50.json layer3.1.conv2
done
