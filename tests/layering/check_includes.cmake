# SPDX-License-Identifier: Apache-2.0
# Dependency rules of the source tree, checked on the #include lines (cmake -P, run by ctest):
#  - the program contract (arch/program) and the spec (arch/spec, arch/energy tables and prices)
#    include only each other, the graph IR and sim/core;
#  - no file under arch/ includes the mapper (workloads/mapper);
#  - no model (arch/ outside the contract and the spec) includes the report format (sim/stats);
#  - the mapper includes from arch/ only the contract and the spec;
#  - sim/core includes only sim/core.
# Usage: cmake -DROOT=<source dir> -P check_includes.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
  message(FATAL_ERROR "check_includes.cmake: pass -DROOT=<source dir>")
endif()

set(SPEC_FILES arch/spec.hpp arch/spec.cpp arch/energy/energy_table.hpp
    arch/energy/energy_table.cpp arch/energy/action_costs.hpp arch/energy/action_costs.cpp)
set(LEAF_ALLOWED "^(arch/program/|arch/spec\\.hpp|arch/energy/(energy_table|action_costs)\\.hpp|workloads/ir/|sim/core/)")
set(MAPPER_ARCH_ALLOWED "^(arch/program/|arch/spec\\.hpp|arch/energy/(energy_table|action_costs)\\.hpp)")
set(violations "")

function(project_includes file out)
  file(STRINGS "${ROOT}/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  set(result "")
  foreach(l IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" inc "${l}")
    list(APPEND result "${inc}")
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

macro(violation file inc rule)
  string(APPEND violations "  ${file} includes ${inc}: ${rule}\n")
endmacro()

file(GLOB_RECURSE arch_files RELATIVE "${ROOT}" "${ROOT}/arch/*.hpp" "${ROOT}/arch/*.cpp")
foreach(f IN LISTS arch_files)
  project_includes("${f}" incs)
  set(leaf FALSE)
  if(f MATCHES "^arch/program/" OR f IN_LIST SPEC_FILES)
    set(leaf TRUE)
  endif()
  foreach(inc IN LISTS incs)
    if(inc MATCHES "^workloads/mapper/")
      violation("${f}" "${inc}" "arch/ never includes the mapper")
    endif()
    if(leaf AND NOT inc MATCHES "${LEAF_ALLOWED}")
      violation("${f}" "${inc}" "the contract and the spec include only the IR, sim/core and each other")
    elseif(NOT leaf AND inc MATCHES "^sim/stats/")
      violation("${f}" "${inc}" "models never include the report format")
    endif()
  endforeach()
endforeach()

file(GLOB_RECURSE mapper_files RELATIVE "${ROOT}" "${ROOT}/workloads/mapper/*.hpp"
     "${ROOT}/workloads/mapper/*.cpp")
foreach(f IN LISTS mapper_files)
  project_includes("${f}" incs)
  foreach(inc IN LISTS incs)
    if(inc MATCHES "^arch/" AND NOT inc MATCHES "${MAPPER_ARCH_ALLOWED}")
      violation("${f}" "${inc}" "the mapper depends on the contract and the spec, never on models")
    endif()
    if(inc MATCHES "^sim/" AND NOT inc MATCHES "^sim/core/")
      violation("${f}" "${inc}" "the mapper includes only sim/core from sim/")
    endif()
  endforeach()
endforeach()

file(GLOB_RECURSE core_files RELATIVE "${ROOT}" "${ROOT}/sim/core/*.hpp" "${ROOT}/sim/core/*.cpp")
foreach(f IN LISTS core_files)
  project_includes("${f}" incs)
  foreach(inc IN LISTS incs)
    if(NOT inc MATCHES "^sim/core/")
      violation("${f}" "${inc}" "sim/core is a leaf")
    endif()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "include rules broken:\n${violations}")
endif()
list(LENGTH arch_files n_arch)
list(LENGTH mapper_files n_mapper)
message(STATUS "include rules hold (${n_arch} arch files, ${n_mapper} mapper files)")
