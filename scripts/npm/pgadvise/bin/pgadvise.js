#!/usr/bin/env node
// `pgadvise` from npm: runs the native binary of the platform package npm
// installed beside this one (optionalDependencies, the esbuild/biome way) and
// behaves as that binary does: same arguments, standard input, output and
// error (inherited, not copied), same exit code, and a signal sent to this
// script reaches the binary, after which the script dies of the same signal.
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const os = require("os");

const platformPackage = `@pgadvise/${process.platform}-${process.arch}`;

function binaryPath() {
  if (process.env.PGADVISE_BINARY) {
    return process.env.PGADVISE_BINARY;
  }
  let packageJson;
  try {
    packageJson = require.resolve(`${platformPackage}/package.json`);
  } catch {
    process.stderr.write(
      `pgadvise: the package ${platformPackage} is not installed. pgadvise ships its binary for ` +
        "linux-x64 (glibc 2.34 or newer) so far; on that platform, reinstall without --no-optional " +
        "(npm install pgadvise). Elsewhere, build it from source (see the README).\n",
    );
    process.exit(2);
  }
  return path.join(path.dirname(packageJson), "bin", "pgadvise");
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit" });

// Forward the signals a terminal, a CI runner or a process manager sends.
// SIGKILL and SIGSTOP cannot be caught; the rest reach the binary, which
// decides what to do with them, as it would when run directly.
const forwarded = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
const handlers = new Map();
for (const signal of forwarded) {
  const handler = () => child.kill(signal);
  handlers.set(signal, handler);
  process.on(signal, handler);
}

child.on("error", (error) => {
  process.stderr.write(`pgadvise: cannot run ${error.path || "the binary"}: ${error.message}\n`);
  process.exit(2);
});

child.on("exit", (code, signal) => {
  if (signal === null) {
    process.exit(code);
  }
  // Die the way the binary did, so the caller sees the same signal.
  for (const [name, handler] of handlers) {
    process.removeListener(name, handler);
  }
  process.kill(process.pid, signal);
  // A signal whose default action does not end a process (or that was
  // ignored when the caller started this script): the shell's convention.
  process.exit(128 + (os.constants.signals[signal] || 0));
});
