# SPDX-License-Identifier: Apache-2.0
# Run after linking adasim_unit_tests: fails when that binary holds a test the `asan-ci` test
# preset selects. The CI's sanitized stage builds adasim_robustness_tests instead of the unit
# binary, so such a test would silently drop out of the sanitized run; its file belongs in
# ADASIM_ROBUSTNESS_TESTS (tests/CMakeLists.txt).
# Usage: cmake -DTEST_BINARY=<adasim_unit_tests> -DPRESETS=<CMakePresets.json> -P robustness_split.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT TEST_BINARY OR NOT PRESETS)
  message(FATAL_ERROR "robustness_split.cmake: pass -DTEST_BINARY=<test binary> -DPRESETS=<CMakePresets.json>")
endif()

file(READ "${PRESETS}" presets)
string(JSON count LENGTH "${presets}" testPresets)
math(EXPR last "${count} - 1")
set(filter "")
foreach(i RANGE ${last})
  string(JSON name GET "${presets}" testPresets ${i} name)
  if(name STREQUAL "asan-ci")
    string(JSON filter GET "${presets}" testPresets ${i} filter include name)
  endif()
endforeach()
if(filter STREQUAL "")
  message(FATAL_ERROR "robustness_split.cmake: no name filter in the asan-ci test preset of ${PRESETS}")
endif()

execute_process(COMMAND "${TEST_BINARY}" --gtest_list_tests OUTPUT_VARIABLE listing
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "robustness_split.cmake: ${TEST_BINARY} --gtest_list_tests exited with ${rc}")
endif()
# The listing: a suite line "Suite." (then maybe "  # TypeParam = ..."), then one indented line
# per test, "  Name" (then maybe "  # GetParam() = ...").
string(REPLACE ";" "\\;" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(suite "")
set(misplaced "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #]+)")
    set(suite "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^  ([^ #]+)")
    set(test "${suite}${CMAKE_MATCH_1}")
    if(test MATCHES "${filter}")
      string(APPEND misplaced "\n  ${test}")
    endif()
  endif()
endforeach()
if(NOT misplaced STREQUAL "")
  message(FATAL_ERROR "adasim_unit_tests holds tests the asan-ci preset selects; list their files "
                      "in ADASIM_ROBUSTNESS_TESTS (tests/CMakeLists.txt):${misplaced}")
endif()
