#!/usr/bin/env python3
"""clang-tidy-14 over the src/ files of a compile database, remembering clean
results.

A file is checked again only when what clang-tidy would see changed: its
preprocessed text (so an edited header re-checks every file that includes
it), its compile flags, the .clang-tidy configuration or clang-tidy's
version. A clean result is remembered under a hash of all four in
CACHE_DIR; a file with findings is never remembered, so it fails every run
until fixed. On a fresh build folder every file is checked (CI's cold run);
on a warm one only what a change touched, so the sanitizer stage does not
spend half an hour re-checking an unchanged tree.

usage: clang-tidy-cached.py BUILD_DIR SOURCE_ROOT JOBS LOG
"""

import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys


def preprocess_args(args):
    """The compile command turned into `-E -P`: no object, no dependency file."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MT", "-MF", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD"):
            continue
        out.append(arg)
    return out + ["-E", "-P", "-o", "-"]


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    build_dir, source_root, jobs, log_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    source_root = os.path.join(os.path.abspath(source_root), "src") + os.sep
    cache_dir = os.path.join(build_dir, "clang-tidy-cache")
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        entries = [e for e in json.load(f) if e["file"].startswith(source_root) and e["file"].endswith(".cpp")]
    with open(os.path.join(os.path.dirname(source_root.rstrip(os.sep)), ".clang-tidy"), "rb") as f:
        config = f.read()
    version = subprocess.run(["clang-tidy-14", "--version"], capture_output=True, check=True).stdout

    def check(entry):
        args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        pre = subprocess.run(preprocess_args(args), cwd=entry["directory"], capture_output=True)
        key = None
        if pre.returncode == 0:
            digest = hashlib.sha256()
            for part in (version, config, entry["file"].encode(), shlex.join(args).encode(), pre.stdout):
                digest.update(hashlib.sha256(part).digest())
            key = os.path.join(cache_dir, digest.hexdigest())
            if os.path.exists(key):
                return entry["file"], True, 0, b""
        tidy = subprocess.run(["clang-tidy-14", "-p", build_dir, "-quiet", entry["file"]], capture_output=True)
        if tidy.returncode == 0 and key is not None:
            with open(key, "wb"):
                pass
        return entry["file"], False, tidy.returncode, tidy.stdout + tidy.stderr

    failed, cached, checked = [], 0, 0
    with open(log_path, "wb") as log, concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for path, hit, code, output in pool.map(check, entries):
            if hit:
                cached += 1
                continue
            checked += 1
            log.write(output)
            if code != 0:
                failed.append(path)
    print(
        f"clang-tidy: {checked} files checked, {cached} unchanged since a clean check"
        + (f", {len(failed)} with problems" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
