// SPDX-License-Identifier: Apache-2.0
// plots/sweep_summary.py on a hand-made results.csv whose tables are computed by hand below.
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace adasim {
namespace {

// Workload w over df (ws / auto) x arr (8, 16, 32). Pairs differing only in df: arr 8 (auto
// twice as fast: latency ws / auto = 200 / 100 = 2, energy 100 / 120 = 0.833, same area) and arr
// 16 (equal latency, energy 300 / 330 = 0.909); arr 32 has no pair (its ws row failed). Rows
// ok: 5; the `pareto` column marks points 1 and 2: the fastest of them is point 2 (50 ns), the
// lowest-energy and the smallest point 1.
TEST(SweepSummary, TablesByHand) {
  const std::string dir = test::temp_out("sweep_summary");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/results.csv")
      << "point,workload,df,arr,config_hash,status,pareto,time_ns,energy_pj_total,area_mm2\n"
         "0,w,ws,8,h0,ok,false,200,100,1.0\n"
         "1,w,auto,8,h1,ok,true,100,120,1.0\n"
         "2,w,ws,16,h2,ok,true,50,300,4.0\n"
         "3,w,auto,16,h3,ok,false,50,330,4.0\n"
         "4,w,ws,32,h4,error,false,,,16.0\n"
         "5,w,auto,32,h5,ok,false,40,900,16.0\n";
  const std::string py = std::string("cd '") + ADASIM_SOURCE_DIR +
                         "' && /usr/bin/python3 plots/sweep_summary.py '" + dir + "/results.csv' ";
  ASSERT_EQ(std::system((py + "--compare df:ws:auto --by arr > '" + dir + "/out.md'").c_str()), 0);
  const std::string md = test::slurp(dir + "/out.md");
  for (const char* want : {
           "| w | 5 | 2 | df=ws, arr=16 (5e-05 ms, 0.0003 uJ, 4 mm2) | df=auto, arr=8 (0.0001 ms, "
           "0.00012 uJ, 1 mm2) | df=auto, arr=8 (0.0001 ms, 0.00012 uJ, 1 mm2) |",
           "| w | 8 | 1 | 1 | 2 (2) | 0.833 | 1 | 2 |",
           "| w | 16 | 1 | 0 | 1 (1) | 0.909 | 1 | 1 |",
       })
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
  EXPECT_EQ(md.find("| w | 32 |"), std::string::npos) << md;
  // An axis the CSV does not have, and a comparison without pairs: exit 2 with the reason.
  EXPECT_NE(std::system((py + "--compare speed:a:b > /dev/null 2>&1").c_str()), 0);
  EXPECT_NE(std::system((py + "--compare df:ws:os > /dev/null 2>&1").c_str()), 0);
}

}  // namespace
}  // namespace adasim
