#pragma once

// carwash-bench diagnostics: what sampling and charting once a second cost a
// process, as a share of one core, beside the same process with monitoring
// off. Both sides run the same steady light workload through a pool on the
// same server; the "on" side also runs the diagnostics model and draws the
// four charts (offscreen) every second, the "off" side has the monitor
// disabled and no diagnostics. Needs its own QApplication (widgets), so it
// is entered before main() makes a QCoreApplication.
int runDiagnosticsBenchmark(int argc, char *argv[]);
