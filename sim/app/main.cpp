// SPDX-License-Identifier: Apache-2.0
// adasim command-line front end (being assembled; see README).
#include <iostream>
int main() {
  std::cerr << "adasim: command-line front end not assembled yet\n";
  return 1;
}
