#!/usr/bin/env python3
"""Runs a composite GitHub Action's steps here, as a runner would.

Usage: run_action.py ACTION_DIR WORKSPACE STATE_DIR [INPUT=VALUE ...]

Each `run:` step runs with `bash --noprofile --norc -eo pipefail` (what
`shell: bash` means on a runner) in WORKSPACE, with the variables a runner
sets (GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_PATH, GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH, CI)
on top of this process's environment; the caller decides PATH, which is how
a test stands for a default runner. `${{ }}` expressions in `env:` and `if:`
are evaluated over inputs (given or default) and the outputs earlier steps
wrote; steps run only when their `if:` holds (success() unless it says
always() or failure()). A `uses:` step cannot run here: whether it would
have run is recorded. The steps' output goes to this process's stdout and
stderr. STATE_DIR/result.json gets each step's conclusion, the Action's
outputs and its result; the exit code is 0 when the Action succeeded.
"""
import json
import os
import re
import subprocess
import sys

import yaml

TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\))|([A-Za-z_][\w.\-]*(?:\(\))?))")


def evaluate(expression, context):
    """GitHub's expression subset the Action uses: contexts, '...', ==, !=, &&, ||, !, (), status functions."""
    python = []
    position = 0
    expression = expression.strip()
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise ValueError(f"cannot evaluate expression: {expression!r}")
        position = match.end()
        literal, operator, name = match.groups()
        if literal is not None:
            python.append(repr(literal[1:-1].replace("''", "'")))
        elif operator is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(operator, operator))
        elif name in ("always()", "success()", "failure()", "cancelled()"):
            python.append(repr(context["status"][name]))
        elif name in ("true", "false"):
            python.append(repr(name == "true"))
        else:
            python.append(repr(lookup(name, context)))
    return eval("".join(python), {"__builtins__": {}})  # noqa: S307 -- tokens above are the only input


def lookup(name, context):
    parts = name.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return context["inputs"].get(parts[1], "")
    if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
        return context["steps"].get(parts[1], {}).get(parts[3], "")
    if parts[0] == "runner" and len(parts) == 2:
        return {"os": "Linux", "arch": "X64", "temp": context["runner_temp"]}.get(parts[1], "")
    raise ValueError(f"unknown context in expression: {name}")


def substitute(text, context):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1), context)), str(text))


def should_run(step, context):
    condition = step.get("if", "success()")
    if isinstance(condition, bool):
        return condition
    condition = condition.strip()
    if condition.startswith("${{") and condition.endswith("}}"):
        condition = condition[3:-2]
    if not re.search(r"\b(always|success|failure|cancelled)\(\)", condition):
        condition = f"success() && ({condition})"
    return bool(evaluate(condition, context))


def read_key_values(path):
    """GITHUB_OUTPUT / GITHUB_ENV: name=value lines and name<<DELIMITER blocks."""
    values = {}
    if not os.path.exists(path):
        return values
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        heredoc = re.match(r"^([^=<]+)<<(.+)$", line)
        if heredoc:
            block = []
            while i < len(lines) and lines[i] != heredoc.group(2):
                block.append(lines[i])
                i += 1
            i += 1
            values[heredoc.group(1)] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ValueError(f"{path}: not name=value: {line!r}")
    return values


def main():
    action_dir, workspace, state_dir = (os.path.abspath(p) for p in sys.argv[1:4])
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    if action.get("runs", {}).get("using") != "composite":
        sys.exit("run_action.py: only composite actions run here")
    given = dict(arg.split("=", 1) for arg in sys.argv[4:])
    unknown = set(given) - set(action.get("inputs", {}))
    if unknown:
        sys.exit(f"run_action.py: the Action has no input {', '.join(sorted(unknown))}")
    inputs = {name: str(given.get(name, spec.get("default", ""))) for name, spec in action["inputs"].items()}

    runner_temp = os.path.join(state_dir, "runner-temp")
    os.makedirs(runner_temp, exist_ok=True)
    summary = os.path.join(state_dir, "step-summary.md")
    open(summary, "w").close()
    context = {"inputs": inputs, "steps": {}, "runner_temp": runner_temp,
               "status": {"always()": True, "success()": True, "failure()": False, "cancelled()": False}}
    env_from_steps = {}
    path_from_steps = []
    conclusions = []
    for number, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {number}")
        if not should_run(step, context):
            conclusions.append({"name": name, "conclusion": "skipped"})
            continue
        if "uses" in step:
            conclusions.append({"name": name, "conclusion": "would run (uses)", "uses": step["uses"]})
            continue
        if step.get("shell") != "bash":
            sys.exit(f"run_action.py: step {name!r} has shell {step.get('shell')!r}; this runner knows bash")
        files = {var: os.path.join(state_dir, f"{var.lower()}-{number}") for var in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for file in files.values():
            open(file, "w").close()
        env = dict(os.environ)
        env.update(env_from_steps)
        if path_from_steps:
            env["PATH"] = os.pathsep.join(reversed(path_from_steps)) + os.pathsep + env.get("PATH", "")
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
            "GITHUB_ACTION_PATH": action_dir, "GITHUB_WORKSPACE": workspace, "RUNNER_TEMP": runner_temp,
            "GITHUB_STEP_SUMMARY": summary, **files,
        })
        env.update({key: substitute(value, context) for key, value in step.get("env", {}).items()})
        script = os.path.join(state_dir, f"step-{number}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(step["run"])
        sys.stdout.flush()
        code = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=workspace, env=env)
        if "id" in step:
            context["steps"][step["id"]] = read_key_values(files["GITHUB_OUTPUT"])
        env_from_steps.update(read_key_values(files["GITHUB_ENV"]))
        with open(files["GITHUB_PATH"], encoding="utf-8") as f:
            path_from_steps += [line for line in f.read().split("\n") if line]
        conclusions.append({"name": name, "conclusion": "success" if code == 0 else "failure", "exit_code": code})
        if code != 0:
            context["status"].update({"success()": False, "failure()": True})

    outputs = {name: substitute(spec["value"], context) for name, spec in action.get("outputs", {}).items()}
    result = "success" if context["status"]["success()"] else "failure"
    with open(os.path.join(state_dir, "result.json"), "w", encoding="utf-8") as f:
        json.dump({"steps": conclusions, "outputs": outputs, "result": result}, f, indent=2)
    return 0 if result == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
