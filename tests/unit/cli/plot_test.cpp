// SPDX-License-Identifier: Apache-2.0
// plots/plot_report.py draws its PNGs from a real report.csv (skipped where Debian's
// python3-matplotlib is not installed: `scripts/install_deps.sh --tools`).
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace adasim {
namespace {

TEST(Plots, PlotReportDrawsCyclesAndEnergyFromReportCsv) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-matplotlib not installed";
  const std::string out = test::temp_out("plots");
  const auto r = test::run_adasim("run -q --workload workloads/models/tiny_cnn.json --out '" + out + "'", "plots");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cmd = std::string("cd '") + ADASIM_SOURCE_DIR + "' && /usr/bin/python3 plots/plot_report.py '" +
                          out + "/report.csv' -o '" + out + "/png' > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (const char* f : {"cycles.png", "energy.png"}) {
    const std::string png = test::slurp(out + "/png/" + f);
    ASSERT_GT(png.size(), 1000u) << f;
    EXPECT_EQ(png.substr(1, 3), "PNG") << f;
  }
}

}  // namespace
}  // namespace adasim
