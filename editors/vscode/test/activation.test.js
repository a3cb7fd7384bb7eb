'use strict';
// The extension's activation, with `vscode` and `vscode-languageclient/node`
// replaced by recording fakes: which binary it starts, with what, and what
// it says when there is none. Run: node --test editors/vscode/test/
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const recorded = { clients: [], warnings: [], settings: {} };
const fakes = {
  vscode: {
    workspace: {
      workspaceFolders: [],
      getConfiguration: () => ({ get: (key, fallback) => (key in recorded.settings ? recorded.settings[key] : fallback) }),
      createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    },
    window: { showWarningMessage: (message) => recorded.warnings.push(message) },
  },
  'vscode-languageclient/node': {
    LanguageClient: class {
      constructor(id, name, serverOptions, clientOptions) {
        Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false });
        recorded.clients.push(this);
      }
      async start() { this.started = true; }
      async stop() { this.stopped = true; }
      dispose() {}
    },
  },
};
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request in fakes) return fakes[request];
  return originalLoad.call(this, request, parent, isMain);
};
const extension = require('../extension');
const { findServer } = require('../server_path');

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgadvise-vscode-'));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
function executable(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}
function reset(folders, settings) {
  recorded.clients.length = 0;
  recorded.warnings.length = 0;
  recorded.settings = settings;
  fakes.vscode.workspace.workspaceFolders = folders.map((fsPath) => ({ uri: { fsPath } }));
}

test('bundled binary first, then node_modules/.bin, then the configured path', () => {
  const present = new Set(['/ext/bin/pgadvise', '/ws/node_modules/.bin/pgadvise', '/opt/pgadvise']);
  const exists = (file) => present.has(file);
  assert.strictEqual(findServer('/ext', ['/ws'], '/opt/pgadvise', exists), '/ext/bin/pgadvise');
  present.delete('/ext/bin/pgadvise');
  assert.strictEqual(findServer('/ext', ['/ws'], '/opt/pgadvise', exists), '/ws/node_modules/.bin/pgadvise');
  present.delete('/ws/node_modules/.bin/pgadvise');
  assert.strictEqual(findServer('/ext', ['/ws'], '/opt/pgadvise', exists), '/opt/pgadvise');
  assert.strictEqual(findServer('/ext', ['/ws'], '', exists), null);
});

test('activate starts `pgadvise lsp --stdio` from the workspace and passes the settings', async () => {
  const dir = scratch();
  const workspace = path.join(dir, 'my app');
  const binary = executable(path.join(workspace, 'node_modules', '.bin', 'pgadvise'));
  reset([workspace], { debounceMs: 120, config: 'ci/.pgadvise.toml', maxDiagnosticsPerFile: 200 });
  const context = { extensionPath: path.join(dir, 'extension'), subscriptions: [] };
  const client = await extension.activate(context);
  assert.strictEqual(recorded.clients.length, 1);
  assert.strictEqual(client, recorded.clients[0]);
  assert.deepStrictEqual(client.serverOptions, { command: binary, args: ['lsp', '--stdio'] });
  assert.deepStrictEqual(client.clientOptions.initializationOptions,
    { debounceMs: 120, config: 'ci/.pgadvise.toml', maxDiagnosticsPerFile: 200 });
  assert.ok(client.clientOptions.documentSelector.some((s) => s.language === 'sql'));
  assert.ok(client.clientOptions.documentSelector.some((s) => s.pattern === '**/package.json'));
  assert.ok(client.started);
  assert.ok(context.subscriptions.includes(client));
  await extension.deactivate();
  assert.ok(client.stopped);
});

test('the bundled binary wins over the workspace one, made executable as a .vsix unpacks it without mode bits', async () => {
  const dir = scratch();
  const bundled = executable(path.join(dir, 'extension', 'bin', 'pgadvise'));
  fs.chmodSync(bundled, 0o644);
  executable(path.join(dir, 'ws', 'node_modules', '.bin', 'pgadvise'));
  reset([path.join(dir, 'ws')], {});
  const client = await extension.activate({ extensionPath: path.join(dir, 'extension'), subscriptions: [] });
  assert.strictEqual(client.serverOptions.command, bundled);
  assert.strictEqual(client.clientOptions.initializationOptions.debounceMs, 50);
  assert.strictEqual(client.clientOptions.initializationOptions.maxDiagnosticsPerFile, 1000);
  await extension.deactivate();
});

test('without a binary it warns, naming where it looked, and starts nothing', async () => {
  const dir = scratch();
  reset([path.join(dir, 'ws')], { path: path.join(dir, 'missing') });
  const client = await extension.activate({ extensionPath: path.join(dir, 'extension'), subscriptions: [] });
  assert.strictEqual(client, null);
  assert.strictEqual(recorded.clients.length, 0);
  assert.strictEqual(recorded.warnings.length, 1);
  assert.match(recorded.warnings[0], /node_modules\/\.bin\/pgadvise/);
  assert.match(recorded.warnings[0], /missing/);
});
