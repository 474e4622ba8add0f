// SPDX-License-Identifier: Apache-2.0
// adasim's executables define main() themselves (the CLI, the test runners). Debian's
// libsystemc.so still carries SystemC's own main(), which references sc_main, so every
// executable links this definition (C linkage, as SystemC declares it); it is never called.
extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) { return 1; }
