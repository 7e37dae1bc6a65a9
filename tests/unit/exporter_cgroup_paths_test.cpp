// Finding the cgroup2 mount and turning cgroup ids into paths, on mountinfo
// lines of both layouts and on a scratch directory tree (a cgroup id is its
// directory's inode, so any tree shows the walk).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cgroup_paths.h"
#include "options.h"

namespace {

namespace fs = std::filesystem;

TEST(ExporterCgroupPaths, Cgroup2MountOnHybridAndPureHierarchies) {
  const std::string hybrid =
      "25 30 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
      "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd\n";
  EXPECT_EQ(retx::cgroup2_mount(hybrid), "/sys/fs/cgroup/unified");
  const std::string pure = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n";
  EXPECT_EQ(retx::cgroup2_mount(pure), "/sys/fs/cgroup");
  // A container's view of a subtree bind-mounted elsewhere is not the root of the hierarchy.
  const std::string sub = "40 30 0:30 /kubepods.slice /host/cg rw - cgroup2 cgroup2 rw\n" + pure;
  EXPECT_EQ(retx::cgroup2_mount(sub), "/sys/fs/cgroup");
  EXPECT_EQ(retx::cgroup2_mount("27 25 0:25 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"), "");
  // mountinfo escapes a space in a mount point as \040.
  EXPECT_EQ(retx::cgroup2_mount("36 25 0:31 / /sys/fs/cgroup/un\\040ified rw,nosuid shared:9 - cgroup2 cgroup2 rw\n"),
            "/sys/fs/cgroup/un ified");
  EXPECT_EQ(retx::cgroup2_mount("24 1 0:22 / /sys rw - sysfs sysfs rw\n"), "");
}

class ScratchTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rxl-cgpaths-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "system.slice" / "nginx.service");
    fs::create_directories(root_ / "user.slice");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::uint64_t id_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
    return st.st_ino;
  }
  fs::path root_;
};

TEST_F(ScratchTree, IdsResolveToPathsAndRemovedOnesToNothing) {
  retx::CgroupPaths paths(root_.string());
  std::uint64_t nginx = id_of(root_ / "system.slice" / "nginx.service");
  EXPECT_EQ(paths.path(nginx), "/system.slice/nginx.service");
  EXPECT_EQ(paths.path(id_of(root_)), "/");

  // A cgroup created after the walk is found by walking again at the next scrape.
  fs::create_directories(root_ / "user.slice" / "late.scope");
  std::uint64_t late = id_of(root_ / "user.slice" / "late.scope");
  paths.new_scrape();
  EXPECT_EQ(paths.path(late), "/user.slice/late.scope");

  // Removed: the cached path no longer has that inode.
  fs::remove(root_ / "system.slice" / "nginx.service");
  paths.new_scrape();
  EXPECT_EQ(paths.path(nginx), std::nullopt);
  EXPECT_EQ(paths.path(late), "/user.slice/late.scope");
}

// The flag itself (the options test covers the others).
TEST(ExporterCgroupPaths, CgroupLabelsFlagSharesTheSeriesBudget) {
  auto o = retx::parse_options({"--cgroup-labels", "--series-budget", "7"});
  auto l = o.series_labels();
  EXPECT_TRUE(l.cgroup);
  EXPECT_FALSE(l.peer);
  EXPECT_EQ(l.budget, 7u);
  EXPECT_EQ(retx::parse_options({}).series_labels().budget, retx::kDefaultSeriesBudget);
  EXPECT_THROW(retx::parse_options({"--cgroup-labels=yes"}), retx::ParseError);
}

}  // namespace
