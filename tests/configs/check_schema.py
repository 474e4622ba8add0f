#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks configs/adasim.schema.json with an independent validator (python3-jsonschema, Debian's
package): every shipped config validates; invalid corpus cases whose defect is in one key are
rejected; cross-field cases (which only `adasim validate` can catch) are accepted by the schema.

usage: check_schema.py <repository root>
"""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("check_schema.py: python3-jsonschema is missing (scripts/install_deps.sh installs it)")

# Invalid corpus cases (tests/configs/invalid/) a per-key check must reject, with the part of the
# config the schema must point at.
REJECTED = {
    "01_missing_rows": "pe_array",
    "02_rows_zero": "pe_array/rows",
    "03_cols_string": "pe_array/cols",
    "04_rows_fraction": "pe_array/rows",
    "05_unknown_key_typo": "pe_array",
    "08_mac_bits_6": "pe_array/mac_bits",
    "12_bad_identifier": "memory/sram/0/name",
    "13_reserved_level_name": "memory/sram/0/name",
    "15_size_partial_byte": "memory/sram/0/size_kib",
    "16_burst_not_pow2": "memory/dram/burst_bytes",
    "18_unknown_energy_override": "energy/overrides",
    "19_negative_override": "energy/overrides/dram_pj_per_bit",
    "20_schema_version_2": "schema_version",
    "22_empty_sram": "memory/sram",
    "26_noc_not_object": "noc",
    "27_dram_bandwidth_zero": "memory/dram/bandwidth_gb_per_s",
    "29_point_voltage_zero": "clock/operating_points/0/voltage_v",
    "30_holds_unknown_operand": "memory/sram/0/holds/3",
    "31_word_bits_not_byte_multiple": "memory/sram/0/word_bits",
    "32_noc_type_mesh": "noc/type",
    "33_missing_clock": "",
    "34_bool_as_string": "pe_array/weight_double_buffer",
    "35_unknown_top_level_key": "",
    "38_duplicate_dataflow": "pe_array/dataflows",
    "39_accum_bits_8": "pe_array/accum_bits",
    "40_missing_schema_version": "",
    "41_holds_not_array": "memory/sram/0/holds",
    "44_factor_unknown_dim": "mapper/factors/array",
    "45_factor_zero": "mapper/factors/rf/Q",
    "46_dram_order_repeats_dim": "mapper/dram_order",
    "49_sparsity_section": "sparsity",
    "52_dram_model_unknown": "memory/dram/model",
    "53_clock_policy_unknown": "clock/policy",
    "54_storage_param_of_unused_format": "sparsity/storage",
    "55_storage_format_unknown": "sparsity/storage/weight",
    "56_clock_transition_ns_not_accepted": "clock",
    "57_noc_multicast_not_accepted": "noc",
    "61_spatial_without_memory": "",
    "62_spatial_memory_empty": "memory",
    "65_bandwidth_in_bytes_per_s": "memory/dram/bandwidth_gb_per_s",
    "66_latency_overflows_sc_time": "memory/dram/latency_ns",
    "67_bandwidth_overflows_sc_time": "memory/dram/bandwidth_gb_per_s",
    "68_frequency_below_1khz": "clock/freq_mhz",
    "69_not_an_object": "",
    "73_memory_sync_cycles_out_of_range": "clock/domains/memory/sync_cycles",
    "74_memory_domain_missing_voltage": "clock/domains/memory",
    "75_domains_unknown_domain": "clock/domains",
    "87_power_policy_unknown": "power/policy",
    "89_power_retention_fraction_above_one": "power/retention_leakage_fraction",
    "90_power_idle_cycles_zero": "power",
    "91_power_block_listed_twice": "power/clock_gating",
    "92_ondemand_sample_zero": "clock",
    "94_ondemand_up_threshold_above_one": "clock",
    "96_ondemand_down_samples_zero": "clock",
    "97_power_cap_negative": "clock",
    "98_ondemand_load_unknown": "clock",
}

# Cases whose defect involves several keys: the schema cannot see it, `adasim validate` does.
CROSS_FIELD = [
    "07_dataflow_not_supported",
    "09_operand_held_twice",
    "10_operand_not_held",
    "11_duplicate_level_name",
    "14_size_not_bank_multiple",
    "17_nominal_not_in_table",
    "28_duplicate_frequency",
    "47_factors_on_systolic",
    "48_chunk_len_on_spatial",
    "58_fixed_policy_freq_not_in_table",
    "59_point_above_fmax",
    "60_nominal_above_fmax",
    "70_delay_ref_not_above_vth",
    "71_memory_domain_point_above_fmax",
    "72_memory_domain_nominal_not_in_table",
    "77_schedule_without_transition",
    "78_schedule_freq_not_in_table",
    "79_schedule_two_triggers",
    "80_sram_parent_unknown_level",
    "81_sram_parent_cycle",
    "85_power_unknown_block",
    "86_power_noc_power_gated",
    "88_power_idle_timeout_on_sram",
    "93_ondemand_down_above_up",
    "95_ondemand_without_sample_period",
]


def load(path):
    with open(path) as f:
        return json.load(f)


def main(root):
    schema = load(os.path.join(root, "configs", "adasim.schema.json"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    failures = []

    shipped = sorted(glob.glob(os.path.join(root, "configs", "**", "*.json"), recursive=True))
    # Architecture configs only: schemas and the sweep specs of configs/sweeps/ are other formats.
    shipped = [p for p in shipped
               if not p.endswith(".schema.json") and os.sep + "sweeps" + os.sep not in p]
    if len(shipped) < 10:
        failures.append(f"only {len(shipped)} shipped configs found")
    for path in shipped:
        for err in validator.iter_errors(load(path)):
            failures.append(f"{path}: /{'/'.join(map(str, err.absolute_path))}: {err.message}")

    corpus = os.path.join(root, "tests", "configs", "invalid")
    for name, where in REJECTED.items():
        errors = list(validator.iter_errors(load(os.path.join(corpus, name + ".json"))))
        paths = ["/".join(map(str, e.absolute_path)) for e in errors]
        if not errors:
            failures.append(f"{name}: accepted by the schema, expected a rejection at /{where}")
        elif not any(p == where or p.startswith(where + "/") or where.startswith(p + "/") or
                     (where and p == where.split("/")[0]) for p in paths):
            failures.append(f"{name}: rejected at {paths}, expected /{where}")
    for name in CROSS_FIELD:
        for err in validator.iter_errors(load(os.path.join(corpus, name + ".json"))):
            failures.append(f"{name}: the schema rejects a cross-field case "
                            f"(/{'/'.join(map(str, err.absolute_path))}: {err.message})")

    for f in failures:
        print("FAIL", f)
    print(f"{len(shipped)} shipped configs, {len(REJECTED)} rejected and {len(CROSS_FIELD)} "
          f"cross-field corpus cases checked with jsonschema {validator_cls.__name__}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
