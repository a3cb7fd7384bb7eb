// Writes the one version (CMakeLists.txt's project(), passed in by
// scripts/package.sh) into both npm packages and into the dependency of
// `pgadvise` on its platform package, so the three never drift apart.
// Usage: node set-version.js VERSION PLATFORM MAIN_DIR PLATFORM_DIR
"use strict";
const fs = require("fs");
const path = require("path");

const [version, platform, mainDir, platformDir] = process.argv.slice(2);
const edit = (dir, change) => {
  const file = path.join(dir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  change(pkg);
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  return pkg;
};
const platformPkg = edit(platformDir, (pkg) => {
  pkg.version = version;
});
if (platformPkg.name !== `@pgadvise/${platform}`) {
  throw new Error(`${platformDir}: package ${platformPkg.name} is not @pgadvise/${platform}`);
}
edit(mainDir, (pkg) => {
  pkg.version = version;
  pkg.optionalDependencies = { [platformPkg.name]: version };
});
