#pragma once

// The one bound on every wait in the tests: long enough that only a hang
// reaches it, so a broken program fails its test instead of stalling CTest;
// never a measure of speed. Well inside CTest's per-test timeout (300 s by
// default), so a test that hits it still reports which wait hung.
namespace TestWaits {

inline constexpr int kNoHangMs = 60000;

} // namespace TestWaits
