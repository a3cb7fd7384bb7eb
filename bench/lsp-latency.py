#!/usr/bin/env python3
"""A scripted LSP client that times `pgadvise lsp` (issue 49): start-up to
the first diagnostics of a file, then diagnostics after each of EDITS
keystrokes in it, and the server's memory after the first edit and after
the last. Not a test: it prints figures (docs/benchmarks.md quotes them).

Usage: bench/lsp-latency.py PGADVISE PROJECT FILE [EDITS=200] [DEBOUNCE_MS=0]
  FILE is relative to PROJECT; each keystroke types or deletes one space at
  the end of the file's first line, alternately, as an incremental
  didChange, and waits for the publishDiagnostics of that version.
With LSP_LOG=1 in the environment, the server's log lines go to stderr
(each analysis: its time by stage, and whether it took the last scan).
With LSP_STDERR=1, the server's own stderr is shown too (dropped otherwise).
With LSP_MAX_DIAGNOSTICS=N, the client asks for N diagnostics a file at
most (maxDiagnosticsPerFile; 0: all) instead of the server's default, 1,000.
A project the server reads in two passes (the schema's diagnostics first,
then the code's query calls: `--first-pass-files`, 2,000 JS/TS files by
default) is timed to both: startup_ms to the first diagnostics and
complete_ms to the second publication (equal for one pass); the
keystrokes start after it.
Prints one JSON object: startup_ms, complete_ms, first_diagnostics,
keystroke_ms {median, p95, max} (until the client has read and parsed
the diagnostics), arrival_ms {median, p95, max} (until their first byte
reached the client: the server's part, without the client's read and JSON
parse, which for 35,000 diagnostics, 22 MB, take this Python client
0.3-0.7 s),
cpu_ms_per_keystroke (the server's user + system time over the edits),
rss_kb_after_first_edit, rss_kb_after_last_edit (read as the diagnostics
arrive), rss_kb_idle_after_first_edit, rss_kb_idle_after_last_edit (read
after 1.5 s without edits, once the server has given its free heap back),
heap_kb_after_first_edit, heap_kb_after_last_edit (the heap the server
holds, its "heap in use" log line: RSS apart from the allocator's free
space), hwm_kb, diagnostics.
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

pgadvise = os.path.abspath(sys.argv[1]) if os.sep in sys.argv[1] else sys.argv[1]
project, relative = pathlib.Path(sys.argv[2]).resolve(), sys.argv[3]
edits = int(sys.argv[4]) if len(sys.argv) > 4 else 200
debounce = int(sys.argv[5]) if len(sys.argv) > 5 else 0
path = project / relative
uri = path.as_uri()

server = subprocess.Popen([pgadvise, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=None if os.environ.get("LSP_STDERR") else subprocess.DEVNULL, cwd=project)


def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


arrived_at = None  # when the first byte of the last message received came


def receive():
    global arrived_at
    length = None
    arrived_at = None
    while True:
        line = server.stdout.readline()
        if arrived_at is None:
            arrived_at = time.monotonic()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return json.loads(server.stdout.read(length))


first_passes = 0  # the server's analyses that left the code for a second pass
heap_kb = None  # the heap the server holds after its last analysis (its "heap in use" log)
heap_logs = 0  # how many such lines came
analysed_logs = 0  # how many analyses the server logged ("pgadvise: analysed ...")


def wait_for(predicate):
    global first_passes, heap_kb, heap_logs, analysed_logs
    while True:
        message = receive()
        if message.get("method") == "window/logMessage":
            if "(first pass:" in message["params"]["message"]:
                first_passes += 1
            if message["params"]["message"].startswith("pgadvise: analysed "):
                analysed_logs += 1
            if message["params"]["message"].startswith("pgadvise: heap in use: "):
                heap_kb = int(message["params"]["message"].split()[-2])
                heap_logs += 1
            if os.environ.get("LSP_LOG"):
                print(message["params"]["message"], file=sys.stderr)
        if predicate(message):
            return message


def settle():
    """Waits (untimed) for the heap line of every analysis logged so far:
    the server frees the run before after publishing, then logs its heap
    (builds before c7623c08 logged it first)."""
    if heap_logs < analysed_logs:
        wait_for(lambda m: heap_logs >= analysed_logs)


def published(version):
    return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and m["params"].get("version") == version)


def cpu_ms():
    """The server's CPU time so far (user + system, every thread), in ms:
    steadier than wall time on a shared machine."""
    fields = pathlib.Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rss():
    fields = {}
    for line in pathlib.Path(f"/proc/{server.pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]), int(fields["RssAnon"].split()[0])


options = {"debounceMs": debounce}
if os.environ.get("LSP_MAX_DIAGNOSTICS"):
    options["maxDiagnosticsPerFile"] = int(os.environ["LSP_MAX_DIAGNOSTICS"])
started = time.monotonic()
send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": {},
                 "initializationOptions": options}})
wait_for(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
text = path.read_text()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}})
first = wait_for(published(1))
startup_ms = (time.monotonic() - started) * 1000
first_diagnostics = len(first["params"]["diagnostics"])
if first_passes > 0:
    first = wait_for(published(1))
complete_ms = (time.monotonic() - started) * 1000
settle()

first_line = text.split("\n", 1)[0]
column = len(first_line.encode("utf-16-le")) // 2
latencies = []
arrivals = []
rss_first = None
rss_first_idle = None
# The server gives its free heap back after a second without edits: the
# idle figures are read after this long.
IDLE_S = 1.5
cpu_before = cpu_ms()
for i in range(edits):
    version = i + 2
    if i % 2 == 0:
        change = {"range": {"start": {"line": 0, "character": column}, "end": {"line": 0, "character": column}},
                  "text": " "}
    else:
        change = {"range": {"start": {"line": 0, "character": column}, "end": {"line": 0, "character": column + 1}},
                  "text": ""}
    sent = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
    wait_for(published(version))
    latencies.append((time.monotonic() - sent) * 1000)
    arrivals.append((arrived_at - sent) * 1000)
    settle()
    if i == 0:
        rss_first = rss()[0]
        heap_first = heap_kb
        time.sleep(IDLE_S)  # not timed: the next keystroke's clock starts when it is sent
        _, _, anon_first_idle = rss()
        rss_first_idle = rss()[0]
rss_last, hwm, _ = rss()
time.sleep(IDLE_S)
rss_last_idle, _, anon_last_idle = rss()
cpu_per_edit = (cpu_ms() - cpu_before) / max(1, edits)

send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
wait_for(lambda m: m.get("id") == 2)
send({"jsonrpc": "2.0", "method": "exit"})
server.wait()
latencies.sort()
arrivals.sort()


def spread(values):
    return {"median": round(statistics.median(values), 1), "p95": round(values[int(len(values) * 0.95) - 1], 1),
            "max": round(values[-1], 1)}


print(json.dumps({
    "project": str(project), "file": relative, "edits": edits, "debounce_ms": debounce,
    "diagnostics": len(first["params"]["diagnostics"]), "first_diagnostics": first_diagnostics,
    "startup_ms": round(startup_ms, 1), "complete_ms": round(complete_ms, 1),
    "keystroke_ms": spread(latencies), "arrival_ms": spread(arrivals),
    "cpu_ms_per_keystroke": round(cpu_per_edit, 1),
    "rss_kb_after_first_edit": rss_first, "rss_kb_after_last_edit": rss_last, "hwm_kb": hwm,
    "rss_kb_idle_after_first_edit": rss_first_idle, "rss_kb_idle_after_last_edit": rss_last_idle,
    "anon_kb_idle_after_first_edit": anon_first_idle, "anon_kb_idle_after_last_edit": anon_last_idle,
    "heap_kb_after_first_edit": heap_first, "heap_kb_after_last_edit": heap_kb,
    "exit_code": server.returncode,
}))
