#!/usr/bin/env node
// The Go seed's design in Node, with only the built-in http module: GET /sse
// answers text/event-stream and writes "data: Hello World\n\n" every interval
// from a timer per stream; SIGINT/SIGTERM ends every stream and exits within
// 5 s. A reference peer for bench/compare.sh.
//
//   node server.js -addr 127.0.0.1:4321 -interval 1s -quiet
"use strict";

const http = require("http");

function parseArgs(argv) {
  const opts = { addr: "0.0.0.0:4321", interval: 2000, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i].replace(/^--?/, "");
    if (a === "quiet") opts.quiet = true;
    else if (a === "addr") opts.addr = argv[++i];
    else if (a === "interval") opts.interval = parseDuration(argv[++i]);
    else {
      console.error(`unknown flag ${argv[i]} (use -addr HOST:PORT -interval 2s -quiet)`);
      process.exit(2);
    }
  }
  return opts;
}

// Go's duration syntax, as far as the bench uses it: 100ms, 1s, 1.5s, 1m.
function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text || "");
  if (!m) {
    console.error(`bad duration ${text}`);
    process.exit(2);
  }
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2]];
}

const opts = parseArgs(process.argv.slice(2));
const log = opts.quiet ? () => {} : (...a) => console.log(new Date().toISOString(), ...a);
const streams = new Set();

const server = http.createServer((req, res) => {
  if (req.url.split("?")[0] !== "/sse") {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
  });
  // Like Go's Flush after WriteHeader-less first write: the head goes out
  // with the first event. flushHeaders() sends it at once instead, which is
  // what every SSE client wants to see.
  res.flushHeaders();
  log("INFO(SSE): CLIENT CONNECTED");
  const timer = setInterval(() => {
    log("INFO(SSE): SEND MESSAGE");
    res.write("data: Hello World\n\n");
  }, opts.interval);
  const stream = { req, res, timer };
  streams.add(stream);
  req.on("close", () => {
    clearInterval(timer);
    streams.delete(stream);
    log("INFO(SSE): CLIENT CLOSE CONNECTION");
  });
});

// A stream is a response that never ends: no request or idle timeouts may
// cut it (Node's defaults are for request/response traffic).
server.requestTimeout = 0;
server.headersTimeout = 60000;
server.keepAliveTimeout = 5000;

const [host, port] = (() => {
  const i = opts.addr.lastIndexOf(":");
  return [opts.addr.slice(0, i) || "0.0.0.0", Number(opts.addr.slice(i + 1))];
})();

// The same accept backlog as Go and herald get on Linux (net.core.somaxconn);
// Node's default of 511 would make the connection-storm scenario measure the
// backlog instead of the server.
let backlog = 4096;
try {
  backlog = Number(require("fs").readFileSync("/proc/sys/net/core/somaxconn", "utf8")) || backlog;
} catch {}

server.listen({ host, port, backlog }, () => {
  console.error(`INFO(SERVER START): ${host}:${server.address().port}`);
});

function shutdown() {
  log("INFO: SHUTDOWN");
  server.close(() => process.exit(0));
  for (const s of streams) {
    clearInterval(s.timer);
    // The terminating chunk, a clean end of stream; then close the
    // connection, as Go's Shutdown closes connections that went idle.
    s.res.end(() => s.req.socket.end());
  }
  streams.clear();
  server.closeIdleConnections?.();
  setTimeout(() => process.exit(1), 5000).unref();
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
