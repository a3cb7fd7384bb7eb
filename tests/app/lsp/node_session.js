// vscode-jsonrpc and vscode-languageserver-protocol (the libraries VS Code's
// client is built on) drive `pgadvise lsp` (tests/app/lsp/lsp_editors_test.cpp):
// initialize, open the schema, an unsaved didChange (an index typed, the
// foreign key's diagnostic gone), a quick fix, a request
// cancelled before the server reads it, a malformed message, shutdown and
// exit. Prints what it saw as one JSON object; the C++ test judges it.
// Usage: node node_session.js PGADVISE ROOT SCHEMA_RELATIVE MODULES_DIR
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { Writable } = require('stream');

const [bin, root, schemaRelative, modules] = process.argv.slice(2);
const rpc = require(path.join(modules, 'vscode-jsonrpc', 'node'));
const protocol = require(path.join(modules, 'vscode-languageserver-protocol', 'node'));

const result = { steps: [] };
const schemaPath = path.join(root, schemaRelative);
const schemaUri = pathToFileURL(schemaPath).href;

const child = spawn(bin, ['lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
let raw = '';
child.stdout.on('data', (chunk) => { raw += chunk.toString('utf8'); });
child.stderr.on('data', () => {});
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

// The writer's stream: forwards to the server, or, while held, keeps what it
// is given until two whole messages are there and sends them in one write,
// so the server reads a request and its $/cancelRequest together.
class Gate extends Writable {
  constructor() { super(); this.held = null; }
  hold() { this.held = Buffer.alloc(0); }
  _write(chunk, encoding, callback) {
    if (this.held === null) { child.stdin.write(chunk, callback); return; }
    this.held = Buffer.concat([this.held, chunk]);
    callback();
    if (countFrames(this.held) >= 2) {
      const bytes = this.held;
      this.held = null;
      child.stdin.write(bytes);
    }
  }
}
function countFrames(buffer) {
  let count = 0;
  let at = 0;
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n', at);
    if (end < 0) return count;
    const match = /Content-Length: *(\d+)/i.exec(buffer.slice(at, end).toString('ascii'));
    if (!match) return count;
    const next = end + 4 + Number(match[1]);
    if (next > buffer.length) return count;
    count += 1;
    at = next;
  }
}
const gate = new Gate();
const logged = [];
const connection = protocol.createProtocolConnection(
  new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(gate),
  { error: (m) => logged.push(m), warn: (m) => logged.push(m), info: () => {}, log: () => {} });

const published = new Map(); // uri -> [{version, diagnostics}]
const waiters = [];
connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => {
  if (!published.has(params.uri)) published.set(params.uri, []);
  published.get(params.uri).push(params);
  for (const waiter of waiters.slice()) waiter();
});
connection.onNotification('window/logMessage', () => {});
connection.listen();

function diagnosticsOf(uri, version) {
  return new Promise((resolve) => {
    const check = () => {
      const found = (published.get(uri) || []).find((p) => p.version === version);
      if (found) {
        waiters.splice(waiters.indexOf(check), 1);
        resolve(found.diagnostics);
      }
    };
    waiters.push(check);
    check();
  });
}
function rawIncludes(text) {
  return new Promise((resolve) => {
    const check = () => { if (raw.includes(text)) { clearInterval(timer); resolve(true); } };
    const timer = setInterval(check, 10);
    check();
  });
}
const brief = (d) => ({ code: d.code, line: d.range.start.line, character: d.range.start.character,
  endLine: d.range.end.line, endCharacter: d.range.end.character, severity: d.severity,
  href: d.codeDescription && d.codeDescription.href, message: d.message });

async function main() {
  const init = await connection.sendRequest(protocol.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: {
      general: { positionEncodings: ['utf-16'] },
      workspace: { workspaceEdit: { documentChanges: true } },
      textDocument: { publishDiagnostics: { relatedInformation: true } },
    },
  });
  result.capabilities = init.capabilities;
  await connection.sendNotification(protocol.InitializedNotification.type, {});

  const text = fs.readFileSync(schemaPath, 'utf8');
  await connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: schemaUri, languageId: 'typescript', version: 1, text },
  });
  result.opened = (await diagnosticsOf(schemaUri, 1)).map(brief);
  result.steps.push('opened');

  // Unsaved: the index posts.author_id lacks, typed after the marker line
  // (in posts' extra-config callback) and not saved.
  const lines = text.split('\n');
  const marker = lines.findIndex((l) => l.includes(process.env.LSP_MARKER));
  lines.splice(marker + 1, 0, '    index("posts_author_id_idx").on(t.authorId),');
  const edited = lines.join('\n');
  await connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: schemaUri, version: 2 },
    contentChanges: [{ text: edited }],
  });
  const changed = await diagnosticsOf(schemaUri, 2);
  result.changed = changed.map(brief);
  result.disk_unchanged = fs.readFileSync(schemaPath, 'utf8') === text;
  result.steps.push('changed');

  // The quick fixes of the first foreign key still unindexed.
  const target = changed.find((d) => d.code === 'unindexed-foreign-key');
  if (target) {
    result.action_line = target.range.start.line;
    const actions = await connection.sendRequest(protocol.CodeActionRequest.type, {
      textDocument: { uri: schemaUri }, range: target.range, context: { diagnostics: [target] },
    });
    result.actions = actions.map((a) => ({ title: a.title, isPreferred: !!a.isPreferred, edit: a.edit }));
  }
  result.steps.push('actions');

  // A hover cancelled in the same write as the request.
  const source = new rpc.CancellationTokenSource();
  gate.hold();
  const hover = connection.sendRequest(protocol.HoverRequest.type,
    { textDocument: { uri: schemaUri }, position: { line: 0, character: 0 } }, source.token);
  source.cancel();
  try {
    await hover;
    result.cancelled = { answered: true };
  } catch (error) {
    result.cancelled = { code: error.code };
  }
  result.steps.push('cancelled');

  // Not JSON, written straight to the server: an error response with a null id.
  child.stdin.write('Content-Length: 9\r\n\r\n{not json');
  await rawIncludes('"code":-32700');
  result.malformed_answered = /"error":\{"code":-32700[^}]*\},"id":null|"id":null[^}]*"error":\{"code":-32700/.test(raw);
  // The server reads on.
  const after = await connection.sendRequest(protocol.HoverRequest.type,
    { textDocument: { uri: schemaUri }, position: result.opened.length > 0
      ? { line: result.opened[0].line, character: result.opened[0].character } : { line: 0, character: 0 } });
  result.hover_after_malformed = after && after.contents ? after.contents.value : null;
  result.steps.push('malformed');

  await connection.sendRequest(protocol.ShutdownRequest.type);
  await connection.sendNotification(protocol.ExitNotification.type);
  const exit = await exited;
  result.exit = exit;
  result.steps.push('exited');
}

main().then(() => {
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}, (error) => {
  result.error = String(error && error.stack || error);
  process.stdout.write(JSON.stringify(result));
  child.kill();
  process.exit(1);
});
