// The checked command runner: exit codes, captured output, stdin, timeouts.
#include "run_cmd.h"

#include <gtest/gtest.h>

using namespace retx::lab;
using namespace std::chrono_literals;

TEST(LabKernelRunCmd, CapturesStdoutAndStdin) {
  auto r = run_cmd({"cat"}, "hello\nworld\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\nworld\n");
}

TEST(LabKernelRunCmd, LargeStdinDoesNotDeadlock) {
  std::string big(1 << 20, 'x');
  EXPECT_EQ(run_cmd({"cat"}, big).out.size(), big.size());
}

TEST(LabKernelRunCmd, FailureNamesCommandAndStderr) {
  try {
    run_cmd({"sh", "-c", "echo boom-on-stderr >&2; exit 3"});
    FAIL() << "no exception";
  } catch (const CmdError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("sh -c"), std::string::npos) << m;
    EXPECT_NE(m.find("exit 3"), std::string::npos) << m;
    EXPECT_NE(m.find("boom-on-stderr"), std::string::npos) << m;
  }
  EXPECT_EQ(try_cmd({"sh", "-c", "exit 7"}).exit_code, 7);
}

TEST(LabKernelRunCmd, MissingProgramThrows) {
  EXPECT_THROW(run_cmd({"/nonexistent/retxlab-no-such-tool"}), CmdError);
  EXPECT_THROW(run_cmd({}), CmdError);
}

TEST(LabKernelRunCmd, TimeoutKillsChild) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = try_cmd({"sleep", "5"}, {}, 200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
}

TEST(LabKernelRunCmd, ChildIgnoringStdinDoesNotKillUs) {
  std::string big(1 << 20, 'y');
  auto r = try_cmd({"true"}, big);
  EXPECT_EQ(r.exit_code, 0);
}

TEST(LabKernelRunCmd, ArgumentsAreNotShellParsed) {
  auto r = run_cmd({"echo", "a;b", "$(id)"});
  EXPECT_EQ(r.out, "a;b $(id)\n");
}
