'use strict';
// The pgadvise extension: a client of `pgadvise lsp` on vscode-languageclient.
// Diagnostics, quick fixes and hovers all come from the server; this file only
// finds the binary and starts it.
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { findServer, serverCandidates } = require('./server_path');

let client = null;

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function activate(context) {
  const settings = vscode.workspace.getConfiguration('pgadvise');
  const folders = (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.fsPath);
  const configured = settings.get('path', '');
  // A .vsix keeps no mode bits: the bundled binary is made executable here.
  const bundled = path.join(context.extensionPath, 'bin', 'pgadvise');
  try {
    if (fs.existsSync(bundled)) {
      fs.chmodSync(bundled, 0o755);
    }
  } catch {
    // read-only install: isExecutable decides below
  }
  const command = findServer(context.extensionPath, folders, configured, isExecutable);
  if (command === null) {
    vscode.window.showWarningMessage(
      'pgadvise: no pgadvise binary found (looked at ' +
        serverCandidates(context.extensionPath, folders, configured).join(', ') +
        '). Install the npm package or set pgadvise.path.');
    return null;
  }
  const serverOptions = { command, args: ['lsp', '--stdio'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', pattern: '**/package.json' },
      { scheme: 'file', pattern: '**/drizzle.config.*' },
      { scheme: 'file', pattern: '**/{.github/workflows/*.{yml,yaml},.gitlab-ci.yml}' },
      { scheme: 'file', pattern: '**/{Dockerfile,*.Dockerfile,Dockerfile.*}' },
    ],
    initializationOptions: {
      debounceMs: settings.get('debounceMs', 50),
      config: settings.get('config', ''),
      maxDiagnosticsPerFile: settings.get('maxDiagnosticsPerFile', 1000),
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        '**/{*.sql,*.ts,package.json,drizzle.config.*,.pgadvise.toml,_journal.json}'),
    },
  };
  client = new LanguageClient('pgadvise', 'pgadvise', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  return client;
}

async function deactivate() {
  if (client !== null) {
    const stopping = client.stop();
    client = null;
    await stopping;
  }
}

module.exports = { activate, deactivate };
