// SPDX-License-Identifier: Apache-2.0
// adasim executable: the command line lives in sim/app/cli.cpp.
#include <iostream>

#include "sim/app/cli.hpp"

int main(int argc, char** argv) { return adasim::sim::run_cli(argc, argv, std::cout, std::cerr); }
