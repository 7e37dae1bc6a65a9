// retx-top as a user runs it: one clear line and a distinct exit code for
// each startup failure, --help.
#include <gtest/gtest.h>
#include <unistd.h>

#include "top_fixture.h"

using namespace retx::test;

TEST(TopCli, HelpAndBadInputHaveDistinctExitCodes) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  auto help = run_top("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);

  auto bad = run_top("--sort fastest");
  EXPECT_EQ(bad.code, 2) << bad.err;
  EXPECT_EQ(bad.err, "retx-top: --sort: 'fastest' is not one of interval, ratio, total\n");

  auto nobody = run_top("--once", "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ");
  EXPECT_EQ(nobody.code, 3) << nobody.err;
  EXPECT_NE(nobody.err.find("missing privileges"), std::string::npos) << nobody.err;

  auto no_tty = run_top("< /dev/null");  // interactive, but stdin and stdout are not a terminal
  EXPECT_EQ(no_tty.code, 4) << no_tty.err;
  EXPECT_NE(no_tty.err.find("needs a terminal"), std::string::npos) << no_tty.err;

  auto no_ns = run_top("--once --netns rxl-no-such-namespace");
  EXPECT_EQ(no_ns.code, 2) << no_ns.err;
  EXPECT_NE(no_ns.err.find("'rxl-no-such-namespace' matches no network namespace"), std::string::npos) << no_ns.err;

  auto no_prog = run_top("--once --causes 4294967295");
  EXPECT_EQ(no_prog.code, 1) << no_prog.err;
  EXPECT_NE(no_prog.err.find("no running retransmit probe"), std::string::npos) << no_prog.err;
}

TEST(TopCli, CausesNoneIsSaidAtStartAndInTheJson) {
  auto r = run_top("--once --json --causes none --limit 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.json.at("causes_from").at("source"), "none");
  EXPECT_NE(r.err.find("no causes: --causes none"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sockets from iter/tcp"), std::string::npos) << r.err;
}
