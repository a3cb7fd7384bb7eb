// A stand-in for the few GitHub REST endpoints the Action's comment step
// calls, on 127.0.0.1 (a port the system picks), for
// tests/reporters/github_comment_post_test.cpp:
//
//   node fake_github_api.js SCENARIO.json -- PROGRAM ARGS...
//
// It serves the scenario's pull request comments in pages (Link: rel="next"
// as GitHub writes it), GET /user, POST a new comment and PATCH one; the
// pull request's changed files and its review comments in pages, POST a
// review comment and PATCH one; runs PROGRAM with GITHUB_API_URL pointing
// here; and prints, as JSON, the program's exit code, stdout and stderr,
// every request it made, and the comments and review comments as they are
// afterwards. Scenario:
//   { "user": { "status": 200, "login": "pgadvise-bot" },    // or { "status": 403 }
//     "pages": [ [ {id, user: {login}, body}, ... ], ... ],
//     "files": [ [ {filename, patch}, ... ], ... ],            // pulls/N/files
//     "review_pages": [ [ {id, user: {login}, body, path, line}, ... ], ... ],
//     "fail": { "method": "PATCH", "status": 500, "echo_authorization": true } }  // optional
"use strict";

const fs = require("fs");
const http = require("http");
const { spawn } = require("child_process");

const separator = process.argv.indexOf("--");
if (separator !== 3 || process.argv.length < 5) {
  console.error("usage: node fake_github_api.js SCENARIO.json -- PROGRAM ARGS...");
  process.exit(2);
}
const scenario = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const program = process.argv.slice(4);
const pages = scenario.pages || [[]];
const files = scenario.files || [[]];
const reviewPages = scenario.review_pages || [[]];
const requests = [];
let origin = "";
let next_id = 9000;

function reply(response, status, json, headers = {}) {
  const text = JSON.stringify(json);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(text);
}

function find(id, where = pages) {
  for (const page of where) {
    for (const comment of page) {
      if (String(comment.id) === String(id)) {
        return comment;
      }
    }
  }
  return null;
}

// One page of `list` as GitHub serves it, with its Link header.
function page(response, url, list) {
  const number = Number(url.searchParams.get("page") || "1");
  const headers = {};
  if (number < list.length) {
    const next = new URL(url.pathname, origin);
    next.searchParams.set("per_page", url.searchParams.get("per_page") || "30");
    next.searchParams.set("page", String(number + 1));
    const last = new URL(next);
    last.searchParams.set("page", String(list.length));
    headers.link = `<${next}>; rel="next", <${last}>; rel="last"`;
  }
  reply(response, 200, list[number - 1] || [], headers);
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const url = new URL(request.url, origin);
    const text = Buffer.concat(chunks).toString("utf8");
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (error) {
      body = text;
    }
    requests.push({ method: request.method, path: url.pathname, query: url.search, authorization: request.headers.authorization || "", body });
    const fail = scenario.fail;
    if (fail && fail.method === request.method && (!fail.path || fail.path === url.pathname)) {
      const message = "Server Error" + (fail.echo_authorization ? ` (got ${request.headers.authorization})` : "");
      reply(response, fail.status || 500, { message });
      return;
    }
    const comments = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/([0-9]+)\/comments$/);
    const one = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/([0-9]+)$/);
    const pullFiles = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/([0-9]+)\/files$/);
    const reviewComments = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/([0-9]+)\/comments$/);
    const reviewOne = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/comments\/([0-9]+)$/);
    if (request.method === "GET" && url.pathname === "/user") {
      const user = scenario.user || { status: 403 };
      if (user.status !== 200) {
        reply(response, user.status, { message: "Resource not accessible by integration" });
      } else {
        reply(response, 200, { login: user.login, type: "User" });
      }
    } else if (request.method === "GET" && comments) {
      page(response, url, pages);
    } else if (request.method === "GET" && pullFiles) {
      page(response, url, files);
    } else if (request.method === "GET" && reviewComments) {
      page(response, url, reviewPages);
    } else if (request.method === "POST" && reviewComments) {
      const comment = { id: next_id++, user: { login: (scenario.user && scenario.user.login) || "github-actions[bot]" }, ...body };
      delete comment.commit_id;
      reviewPages[reviewPages.length - 1].push(comment);
      reply(response, 201, comment);
    } else if (request.method === "PATCH" && reviewOne) {
      const comment = find(reviewOne[1], reviewPages);
      if (!comment) {
        reply(response, 404, { message: "Not Found" });
        return;
      }
      comment.body = body && body.body;
      reply(response, 200, comment);
    } else if (request.method === "POST" && comments) {
      const comment = { id: next_id++, user: { login: (scenario.user && scenario.user.login) || "github-actions[bot]" }, body: body && body.body };
      comment.html_url = `https://github.test/pull/${comments[1]}#issuecomment-${comment.id}`;
      pages[pages.length - 1].push(comment);
      reply(response, 201, comment);
    } else if (request.method === "PATCH" && one) {
      const comment = find(one[1]);
      if (!comment) {
        reply(response, 404, { message: "Not Found" });
        return;
      }
      comment.body = body && body.body;
      comment.html_url = `https://github.test/comment/${comment.id}`;
      reply(response, 200, comment);
    } else {
      reply(response, 404, { message: "Not Found" });
    }
  });
});

server.listen(0, "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  const child = spawn(program[0], program.slice(1), {
    env: { ...process.env, GITHUB_API_URL: origin },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  child.stderr.on("data", (chunk) => (err += chunk));
  child.on("close", (code) => {
    server.close();
    process.stdout.write(JSON.stringify({ exit_code: code, stdout: out, stderr: err, requests, pages, review_pages: reviewPages }, null, 1) + "\n");
  });
});
