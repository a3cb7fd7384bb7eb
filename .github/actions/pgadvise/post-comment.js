#!/usr/bin/env node
// Posts pgadvise's pull-request comment (`pgadvise lint --format
// github-comment`), or updates the comment it posted before: one comment per
// pull request (and per --comment-key), rewritten on every push.
//
//   node post-comment.js COMMENT.md
//   node post-comment.js --suggestions SUGGESTIONS.json
//
// The earlier comment is the one whose first line is the same hidden marker
// (`<!-- pgadvise-comment ... -->`) AND whose author is the login this token
// acts as: GET /user, or, for the workflow's GITHUB_TOKEN (which may not read
// /user), github-actions[bot]; PGADVISE_COMMENT_LOGIN names another (a GitHub
// App's "name[bot]"). Another bot's comment with a look-alike marker is never
// touched. Every page of the pull request's comments is read (Link: rel="next").
//
// --suggestions: the file `pgadvise fix --suggestions` wrote becomes inline
// review comments (POST /repos/O/R/pulls/N/comments) with ```suggestion
// blocks, on the pull request's head commit. Each goes where its original
// lines are in the pull request's diff (GET .../pulls/N/files, every page;
// found by their text, so a job that checked out the merge commit places
// them right); one whose lines the pull request does not show is left to
// the comment. A file's suggestions are posted only when its import change,
// which the others need to compile, can be posted too. Each carries a marker
// (`<!-- pgadvise-suggestion key=K id=ID -->`, ID from its path and lines):
// one already there is not posted again; an earlier one of ours on the same
// lines that pgadvise no longer proposes is rewritten to say so.
//
// Environment: GITHUB_TOKEN (required; never printed), GITHUB_REPOSITORY
// (owner/name), GITHUB_API_URL (default https://api.github.com),
// PGADVISE_PR_NUMBER (else the pull_request of GITHUB_EVENT_PATH's event),
// PGADVISE_COMMENT_LOGIN (optional), GITHUB_OUTPUT (optional: comment-url);
// for --suggestions, PGADVISE_COMMIT_SHA (else the event's pull request
// head) and PGADVISE_COMMENT_KEY (optional, as --comment-key).
// Exit: 0 posted or updated; 1 the API failed; 2 a usage error.
// Only Node's own modules: it runs on the runner's node, nothing installed.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const https = require("https");

const k_marker = /^<!-- pgadvise-comment( key=[A-Za-z0-9._/-]+)? -->$/;
const k_actions_bot = "github-actions[bot]";

class UsageError extends Error {}

// An API failure: the method, the path and what GitHub said, without the token.
class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new UsageError(`${name} is not set`);
  }
  return value;
}

function pullRequestNumber() {
  const given = process.env.PGADVISE_PR_NUMBER;
  if (given) {
    if (!/^[1-9][0-9]*$/.test(given)) {
      throw new UsageError(`PGADVISE_PR_NUMBER is not a pull request number: ${JSON.stringify(given)}`);
    }
    return given;
  }
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (eventPath) {
    const event = JSON.parse(fs.readFileSync(eventPath, "utf8"));
    const number = (event.pull_request && event.pull_request.number) || (event.issue && event.issue.pull_request && event.issue.number);
    if (number) {
      return String(number);
    }
  }
  throw new UsageError("no pull request: this run's event is not a pull request and PGADVISE_PR_NUMBER is not set");
}

function client(apiUrl, token) {
  const base = new URL(apiUrl.replace(/\/+$/, "") + "/");

  // One request; resolves to { status, headers, json }.
  function send(method, url, body) {
    const target = new URL(url, base);
    // The token goes to the API's own host only, whatever a Link header says.
    if (target.origin !== base.origin) {
      return Promise.reject(new ApiError(`${method} ${target.pathname}: refusing to send the token to ${target.origin}`));
    }
    const transport = target.protocol === "http:" ? http : https;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
    const headers = {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "user-agent": "pgadvise-action",
      "x-github-api-version": "2022-11-28",
    };
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const request = transport.request(target, { method, headers }, (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch (error) {
            json = null;
          }
          if (response.statusCode < 200 || response.statusCode >= 300) {
            const said = json && json.message ? `: ${json.message}` : "";
            reject(new ApiError(`${method} ${target.pathname} failed with HTTP ${response.statusCode}${said}`, response.statusCode));
            return;
          }
          resolve({ status: response.statusCode, headers: response.headers, json });
        });
        response.on("error", (error) => reject(new ApiError(`${method} ${target.pathname}: ${error.message}`)));
      });
      request.on("error", (error) => reject(new ApiError(`${method} ${target.pathname}: ${error.message}`)));
      if (payload) {
        request.write(payload);
      }
      request.end();
    });
  }
  return { send, base };
}

// The rel="next" URL of a Link header, or null.
function nextPage(link) {
  if (!link) {
    return null;
  }
  for (const part of link.split(",")) {
    const match = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (match) {
      return match[1];
    }
  }
  return null;
}

async function login(api) {
  if (process.env.PGADVISE_COMMENT_LOGIN) {
    return process.env.PGADVISE_COMMENT_LOGIN;
  }
  try {
    const { json } = await api.send("GET", "user");
    if (json && json.login) {
      return json.login;
    }
  } catch (error) {
    // The workflow's GITHUB_TOKEN is an installation token: /user answers
    // 403 "Resource not accessible by integration". Its comments are
    // github-actions[bot]'s. Any other failure is the API's.
    if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) {
      throw error;
    }
  }
  return k_actions_bot;
}

// The pull request this run comments on, and the API as the token's login.
async function pullRequest() {
  const token = required("GITHUB_TOKEN");
  const repository = required("GITHUB_REPOSITORY");
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new UsageError(`GITHUB_REPOSITORY is not owner/name: ${JSON.stringify(repository)}`);
  }
  const number = pullRequestNumber();
  const api = client(process.env.GITHUB_API_URL || "https://api.github.com", token);
  const author = await login(api);
  return { repository, number, api, author };
}

// Every item of a paginated list (Link: rel="next"), page by page, until
// `stop(item)` says so; returns { items, pages }.
async function list(api, url, stop = () => false) {
  const items = [];
  let pages = 0;
  while (url) {
    const { headers, json } = await api.send("GET", url);
    pages += 1;
    for (const item of Array.isArray(json) ? json : []) {
      items.push(item);
      if (stop(item)) {
        return { items, pages };
      }
    }
    url = nextPage(headers.link);
  }
  return { items, pages };
}

function readText(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.code || error.message}`);
  }
}

async function postComment(file) {
  const body = readText(file);
  const marker = body.split("\n", 1)[0].trim();
  if (!k_marker.test(marker)) {
    throw new UsageError(`${file} does not start with pgadvise's marker (write it with --format github-comment)`);
  }
  const { repository, number, api, author } = await pullRequest();
  const isOurs = (comment) =>
    String(comment.body || "").split("\n", 1)[0].trim() === marker && comment.user && comment.user.login === author;
  const { items, pages } = await list(api, `repos/${repository}/issues/${number}/comments?per_page=100`, isOurs);
  const ours = items.find(isOurs);

  let result;
  if (ours) {
    result = (await api.send("PATCH", `repos/${repository}/issues/comments/${ours.id}`, { body })).json;
    console.log(`pgadvise: updated comment ${ours.id} on pull request #${number} (read ${pages} page${pages === 1 ? "" : "s"} of comments)`);
  } else {
    result = (await api.send("POST", `repos/${repository}/issues/${number}/comments`, { body })).json;
    console.log(`pgadvise: posted a comment on pull request #${number} as ${author}`);
  }
  if (process.env.GITHUB_OUTPUT && result && result.html_url) {
    fs.appendFileSync(process.env.GITHUB_OUTPUT, `comment-url=${result.html_url}\n`);
  }
}

// --comment-key as the marker carries it (as pgadvise writes it).
function markerKey(key) {
  return String(key || "")
    .replace(/[^A-Za-z0-9._/]/g, "-")
    .replace(/-+/g, "-");
}

function headCommit() {
  if (process.env.PGADVISE_COMMIT_SHA) {
    return process.env.PGADVISE_COMMIT_SHA;
  }
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (eventPath) {
    const event = JSON.parse(fs.readFileSync(eventPath, "utf8"));
    const sha = event.pull_request && event.pull_request.head && event.pull_request.head.sha;
    if (sha) {
      return sha;
    }
  }
  throw new UsageError("no head commit: set PGADVISE_COMMIT_SHA or run on a pull_request event");
}

// The lines of the head's side of a file's patch, by hunk: [Map(line -> text)].
function rightSide(patch) {
  const hunks = [];
  let line = 0;
  for (const text of String(patch || "").split("\n")) {
    const header = text.match(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/);
    if (header) {
      hunks.push(new Map());
      line = Number(header[1]);
    } else if (hunks.length && (text.startsWith(" ") || text.startsWith("+"))) {
      hunks[hunks.length - 1].set(line, text.slice(1));
      line += 1;
    } else if (hunks.length && text === "") {
      // An empty context line some patches carry without its space.
      hunks[hunks.length - 1].set(line, "");
      line += 1;
    }
  }
  return hunks;
}

// Where `original` starts among the diff's lines of the file: the match
// nearest `near`, within one hunk (a multi-line comment cannot span two).
function place(hunks, original, near) {
  let best = null;
  for (const hunk of hunks) {
    for (const start of hunk.keys()) {
      if (original.every((text, i) => hunk.get(start + i) === text)) {
        if (best === null || Math.abs(start - near) < Math.abs(best - near)) {
          best = start;
        }
      }
    }
  }
  return best;
}

const k_suggestion_marker = /^<!-- pgadvise-suggestion(?: key=([A-Za-z0-9._/-]+))? id=([0-9a-f]+) -->$/;

async function postSuggestions(file) {
  const data = (() => {
    try {
      return JSON.parse(readText(file));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(`${file} is not JSON: ${error.message}`);
    }
  })();
  if (!data || data.version !== 1 || !Array.isArray(data.suggestions)) {
    throw new UsageError(`${file} is not a suggestions file (write it with pgadvise fix --suggestions)`);
  }
  const key = markerKey(process.env.PGADVISE_COMMENT_KEY);
  const commit = headCommit();
  const { repository, number, api, author } = await pullRequest();

  const files = new Map();
  for (const changed of (await list(api, `repos/${repository}/pulls/${number}/files?per_page=100`)).items) {
    files.set(changed.filename, rightSide(changed.patch));
  }
  // Each suggestion where its lines are in the diff, or null.
  const placed = data.suggestions.map((s) => {
    const hunks = files.get(s.path);
    const start = hunks ? place(hunks, s.original, s.start_line) : null;
    const id = crypto.createHash("sha256").update(`${s.path}\n${s.original.join("\n")}\0${s.replacement.join("\n")}`).digest("hex").slice(0, 16);
    return { ...s, id, start, end: start === null ? null : start + s.original.length - 1 };
  });
  // A file whose import change cannot be posted gets none: the rest would not compile.
  const blocked = new Set(placed.filter((s) => s.required && s.start === null).map((s) => s.path));
  const ready = placed.filter((s) => s.start !== null && !blocked.has(s.path));

  const earlier = (await list(api, `repos/${repository}/pulls/${number}/comments?per_page=100`)).items.filter((c) => {
    const match = String(c.body || "").split("\n", 1)[0].trim().match(k_suggestion_marker);
    return match && (match[1] || "") === key && c.user && c.user.login === author;
  });
  const idOf = (c) => String(c.body).split("\n", 1)[0].trim().match(k_suggestion_marker)[2];
  // On lines the diff still shows (GitHub nulls an outdated comment's line), and not withdrawn.
  const current = earlier.filter(
    (c) => c.line !== null && c.line !== undefined && !String(c.body).includes("\nNo longer proposed"),
  );
  const marker = (id) => `<!-- pgadvise-suggestion${key ? ` key=${key}` : ""} id=${id} -->`;

  let posted = 0;
  let kept = 0;
  for (const s of ready) {
    if (current.some((c) => idOf(c) === s.id && c.path === s.path)) {
      kept += 1;
      continue;
    }
    const comment = { body: `${marker(s.id)}\n${s.body}`, commit_id: commit, path: s.path, line: s.end, side: "RIGHT" };
    if (s.end > s.start) {
      comment.start_line = s.start;
      comment.start_side = "RIGHT";
    }
    await api.send("POST", `repos/${repository}/pulls/${number}/comments`, comment);
    posted += 1;
  }
  // Ours on lines still shown that pgadvise no longer proposes: said so,
  // so that nobody commits a suggestion that is no longer wanted.
  const proposed = new Set(ready.map((s) => s.id));
  let withdrawn = 0;
  for (const c of current) {
    const id = idOf(c);
    if (proposed.has(id)) {
      continue;
    }
    const body = `${marker(id)}\nNo longer proposed: \`pgadvise fix\` at ${commit.slice(0, 12)} does not make this change.\n`;
    await api.send("PATCH", `repos/${repository}/pulls/comments/${c.id}`, { body });
    withdrawn += 1;
  }
  const elsewhere = placed.length - ready.length;
  console.log(
    `pgadvise: ${posted} suggestion${posted === 1 ? "" : "s"} posted on pull request #${number}, ${kept} already there` +
      (withdrawn ? `, ${withdrawn} withdrawn` : "") +
      (elsewhere ? `; ${elsewhere} not on the pull request's changed lines${blocked.size ? ` (or in ${[...blocked].join(", ")}, whose import change is not)` : ""}: the comment has them` : ""),
  );
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--suggestions" && args.length === 2) {
    await postSuggestions(args[1]);
  } else if (args.length === 1 && !args[0].startsWith("--")) {
    await postComment(args[0]);
  } else {
    throw new UsageError("usage: post-comment.js COMMENT.md | post-comment.js --suggestions SUGGESTIONS.json");
  }
}

main().catch((error) => {
  // No message carries the token; strip it all the same, in case an
  // error's text quoted a header.
  const token = process.env.GITHUB_TOKEN;
  let message = error instanceof Error ? error.message : String(error);
  if (token) {
    message = message.split(token).join("***");
  }
  console.error(`pgadvise: cannot post the pull request comment: ${message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
