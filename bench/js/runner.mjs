#!/usr/bin/env node
// Benchmark runner for the official JS client (`@langchain/langgraph-sdk`,
// pinned to exactly 2.0.0 by package.json + package-lock.json next to this
// file; install with `npm ci` in bench/js).
//
// Spawned by the Rust bench harness (`bench/`) as `node bench/js/runner.mjs`.
//
// Usage:
//   runner.mjs <workload> --url URL [--thread T] [--run R] [--count N] [--concurrency C]
//
// Workloads (all through the client's normal public API,
// `new Client({ apiUrl: URL, apiKey: null })`; `apiKey: null` skips the
// LANGGRAPH_API_KEY / LANGSMITH_API_KEY / LANGCHAIN_API_KEY env lookup):
//   stream      one `client.runs.joinStream(T, R)`, every part counted.
//   requests    N sequential `client.threads.get(T)`.
//   concurrent  C concurrent `joinStream(T, R)` over ONE client (Promise.all);
//               errors = streams that raised.
//   memory      same as `stream` (big stream); look at peak_rss_kb.
//   e2e-wait    real server: create one thread, then N sequential
//               `runs.wait(threadId, "echo", { input: { text: "hi" } })`.
//   e2e-stream  real server: create one thread, then N sequential
//               `runs.stream(threadId, "echo", { input: { text: "hi" },
//               streamMode: "values" })`, fully consumed.
//
// Output: exactly one JSON line on stdout at the end:
//   {"workload": ..., "seconds": ..., "events": ..., "requests": ...,
//    "errors": ..., "peak_rss_kb": ...}
// Everything else (error details) goes to stderr. Exit status is 0 even when
// errors > 0; it is non-zero (2) only for usage errors.
//
// What is timed (`seconds`, performance.now()): only the workload loop
// itself. NOT timed: node start-up, the module import, argument parsing,
// client construction, the thread creation of the e2e workloads. No warm-up
// request is made: the first request of a workload pays for opening the TCP
// connection. HTTP goes through node's global fetch (undici), the client's
// default.
//
// `requests` is the number of client calls issued by the timed part (the
// stream workloads count one per stream opened); `events` is the number of
// parts the client yielded (nothing is filtered out). `peak_rss_kb` is
// `process.resourceUsage().maxRSS` (KiB) of the whole process, read after
// the workload.

import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Client } from "@langchain/langgraph-sdk";

const WORKLOADS = ["stream", "requests", "concurrent", "memory", "e2e-wait", "e2e-stream"];
const NEEDS = {
  stream: ["thread", "run"],
  memory: ["thread", "run"],
  requests: ["thread", "count"],
  concurrent: ["thread", "run", "concurrency"],
  "e2e-wait": ["count"],
  "e2e-stream": ["count"],
};
const USAGE =
  "usage: runner.mjs {" + WORKLOADS.join(",") + "} --url URL [--thread T] [--run R] [--count N] [--concurrency C]";

function usageError(msg) {
  process.stderr.write(`${USAGE}\nrunner.mjs: error: ${msg}\n`);
  process.exit(2);
}

function logErr(what, err) {
  const msg = err && err.stack ? err.stack : String(err);
  process.stderr.write(`[js runner] ${what}: ${msg}\n`);
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: "string" },
        thread: { type: "string" },
        run: { type: "string" },
        count: { type: "string" },
        concurrency: { type: "string" },
      },
    });
  } catch (e) {
    usageError(e.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) usageError("expected exactly one workload");
  const workload = positionals[0];
  if (!WORKLOADS.includes(workload)) usageError(`unknown workload '${workload}'`);
  if (values.url == null) usageError("--url is required");
  const missing = NEEDS[workload].filter((k) => values[k] == null).map((k) => `--${k}`);
  if (missing.length) usageError(`workload '${workload}' needs ${missing.join(", ")}`);
  const args = { workload, url: values.url, thread: values.thread, run: values.run };
  for (const k of ["count", "concurrency"]) {
    if (values[k] != null) {
      const n = Number(values[k]);
      if (!Number.isInteger(n) || n < 1) usageError(`--${k} must be an integer >= 1`);
      args[k] = n;
    }
  }
  return args;
}

async function consumeJoinStream(client, thread, run) {
  let n = 0;
  try {
    for await (const _part of client.runs.joinStream(thread, run)) n += 1;
  } catch (err) {
    return { n, err };
  }
  return { n, err: null };
}

async function wlStream(client, args, res) {
  const t0 = performance.now();
  const { n, err } = await consumeJoinStream(client, args.thread, args.run);
  res.seconds = (performance.now() - t0) / 1000;
  res.events = n;
  res.requests = 1;
  if (err) {
    res.errors = 1;
    logErr("joinStream", err);
  }
}

async function wlRequests(client, args, res) {
  let errors = 0;
  let first = null;
  const t0 = performance.now();
  for (let i = 0; i < args.count; i++) {
    try {
      await client.threads.get(args.thread);
    } catch (err) {
      errors += 1;
      if (first == null) first = err;
    }
  }
  res.seconds = (performance.now() - t0) / 1000;
  res.requests = args.count;
  res.errors = errors;
  if (first) logErr(`threads.get failed ${errors} time(s), first`, first);
}

async function wlConcurrent(client, args, res) {
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: args.concurrency }, () => consumeJoinStream(client, args.thread, args.run)),
  );
  res.seconds = (performance.now() - t0) / 1000;
  res.requests = args.concurrency;
  let first = null;
  for (const { n, err } of outcomes) {
    res.events += n;
    if (err) {
      res.errors += 1;
      if (first == null) first = err;
    }
  }
  if (first) logErr(`${res.errors} of ${args.concurrency} join streams failed, first`, first);
}

async function createThread(client) {
  const thread = await client.threads.create();
  return thread.thread_id;
}

async function wlE2eWait(client, args, res) {
  const threadId = await createThread(client); // not timed
  let errors = 0;
  let first = null;
  const t0 = performance.now();
  for (let i = 0; i < args.count; i++) {
    try {
      await client.runs.wait(threadId, "echo", { input: { text: "hi" } });
    } catch (err) {
      errors += 1;
      if (first == null) first = err;
    }
  }
  res.seconds = (performance.now() - t0) / 1000;
  res.requests = args.count;
  res.errors = errors;
  if (first) logErr(`runs.wait failed ${errors} time(s), first`, first);
}

async function wlE2eStream(client, args, res) {
  const threadId = await createThread(client); // not timed
  let errors = 0;
  let events = 0;
  let first = null;
  const t0 = performance.now();
  for (let i = 0; i < args.count; i++) {
    try {
      for await (const _part of client.runs.stream(threadId, "echo", {
        input: { text: "hi" },
        streamMode: "values",
      })) {
        events += 1;
      }
    } catch (err) {
      errors += 1;
      if (first == null) first = err;
    }
  }
  res.seconds = (performance.now() - t0) / 1000;
  res.requests = args.count;
  res.events = events;
  res.errors = errors;
  if (first) logErr(`runs.stream failed ${errors} time(s), first`, first);
}

async function main() {
  const args = parse();
  const client = new Client({ apiUrl: args.url, apiKey: null }); // not timed
  const res = { seconds: 0, events: 0, requests: 0, errors: 0 };
  try {
    switch (args.workload) {
      case "stream":
      case "memory":
        await wlStream(client, args, res);
        break;
      case "requests":
        await wlRequests(client, args, res);
        break;
      case "concurrent":
        await wlConcurrent(client, args, res);
        break;
      case "e2e-wait":
        await wlE2eWait(client, args, res);
        break;
      case "e2e-stream":
        await wlE2eStream(client, args, res);
        break;
    }
  } catch (err) {
    // e.g. thread creation failed: count it, don't crash
    res.errors += 1;
    logErr(`${args.workload} aborted`, err);
  }
  const out = {
    workload: args.workload,
    seconds: res.seconds,
    events: res.events,
    requests: res.requests,
    errors: res.errors,
    peak_rss_kb: process.resourceUsage().maxRSS,
  };
  // Exit explicitly (keep-alive sockets must not hold the process open), but
  // only once the line has been handed to the OS.
  process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
}

main().catch((err) => {
  logErr("fatal", err);
  process.exit(1);
});
