'use strict';
// Which pgadvise the extension starts, in this order: the binary bundled in
// the extension (bin/pgadvise), the workspace's node_modules/.bin/pgadvise
// (the npm package), then the `pgadvise.path` setting. `exists` is injected
// so the order is unit-tested without a file system.
const path = require('path');

function serverCandidates(extensionPath, workspaceFolders, configuredPath) {
  const candidates = [path.join(extensionPath, 'bin', 'pgadvise')];
  for (const folder of workspaceFolders) {
    candidates.push(path.join(folder, 'node_modules', '.bin', 'pgadvise'));
  }
  if (configuredPath) {
    candidates.push(configuredPath);
  }
  return candidates;
}

function findServer(extensionPath, workspaceFolders, configuredPath, exists) {
  for (const candidate of serverCandidates(extensionPath, workspaceFolders, configuredPath)) {
    if (exists(candidate)) {
      return candidate;
    }
  }
  return null;
}

module.exports = { serverCandidates, findServer };
