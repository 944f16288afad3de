#!/usr/bin/env python3
"""Benchmark runner for the official Python client (``langgraph-sdk``).

Spawned by the Rust bench harness (``bench/``) with the project's venv Python
(``target/langgraph-venv/bin/python``, which pins ``langgraph-sdk==0.4.14``).

Usage::

    runner.py <workload> --url URL [--thread T] [--run R] [--count N] [--concurrency C]

Workloads (all through the client's normal public async API,
``langgraph_sdk.get_client(url=URL, api_key=None)``):

- ``stream``      one ``client.runs.join_stream(T, R)``, every part counted.
- ``requests``    N sequential ``client.threads.get(T)``.
- ``concurrent``  C concurrent ``join_stream(T, R)`` over ONE client
                  (``asyncio.gather``); ``errors`` = streams that raised.
- ``memory``      same as ``stream`` (big stream); look at ``peak_rss_kb``.
- ``e2e-wait``    real server: create one thread, then N sequential
                  ``runs.wait(thread_id, "echo", input={"text": "hi"})``.
- ``e2e-stream``  real server: create one thread, then N sequential
                  ``runs.stream(thread_id, "echo", input={"text": "hi"},
                  stream_mode="values")``, fully consumed.

Output: exactly one JSON line on stdout at the end::

    {"workload": ..., "seconds": ..., "events": ..., "requests": ...,
     "errors": ..., "peak_rss_kb": ...}

Everything else (error details) goes to stderr. Exit status is 0 even when
``errors > 0``; it is non-zero (2) only for usage errors.

What is timed (``seconds``, ``time.perf_counter``): only the workload loop
itself. NOT timed: interpreter start-up, imports, argument parsing, client
construction (``get_client``), the thread creation of the e2e workloads, and
closing the client. No warm-up request is made: the first request of a
workload pays for opening the TCP connection. The event loop is the stdlib
asyncio default one (no uvloop), as a plain ``asyncio.run`` user gets.

``requests`` is the number of client calls issued by the timed part (the
stream workloads count one per stream opened); ``events`` is the number of
parts the client yielded (nothing is filtered out). ``peak_rss_kb`` is
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux) of the whole
process, read after the workload.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
import traceback

from langgraph_sdk import get_client

WORKLOADS = ("stream", "requests", "concurrent", "memory", "e2e-wait", "e2e-stream")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _report_exc(what: str, exc: BaseException) -> None:
    _err(f"[python runner] {what}: {type(exc).__name__}: {exc}")
    if not isinstance(exc, Exception):
        traceback.print_exception(exc, file=sys.stderr)


class Result:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.events = 0
        self.requests = 0
        self.errors = 0


async def _consume_join_stream(client, thread: str, run: str) -> tuple[int, BaseException | None]:
    """Consume one join stream; return (parts consumed, exception or None)."""
    n = 0
    try:
        async for _part in client.runs.join_stream(thread, run):
            n += 1
    except Exception as exc:  # counted as an error by the caller
        return n, exc
    return n, None


async def _stream(client, args, res: Result) -> None:
    t0 = time.perf_counter()
    n, exc = await _consume_join_stream(client, args.thread, args.run)
    res.seconds = time.perf_counter() - t0
    res.events = n
    res.requests = 1
    if exc is not None:
        res.errors = 1
        _report_exc("join_stream", exc)


async def _requests(client, args, res: Result) -> None:
    t0 = time.perf_counter()
    errors = 0
    first_exc = None
    for _ in range(args.count):
        try:
            await client.threads.get(args.thread)
        except Exception as exc:
            errors += 1
            if first_exc is None:
                first_exc = exc
    res.seconds = time.perf_counter() - t0
    res.requests = args.count
    res.errors = errors
    if first_exc is not None:
        _report_exc(f"threads.get failed {errors} time(s), first", first_exc)


async def _concurrent(client, args, res: Result) -> None:
    t0 = time.perf_counter()
    outcomes = await asyncio.gather(
        *(_consume_join_stream(client, args.thread, args.run) for _ in range(args.concurrency))
    )
    res.seconds = time.perf_counter() - t0
    res.requests = args.concurrency
    for n, exc in outcomes:
        res.events += n
        if exc is not None:
            res.errors += 1
    first = next((exc for _, exc in outcomes if exc is not None), None)
    if first is not None:
        _report_exc(f"{res.errors} of {args.concurrency} join streams failed, first", first)


async def _create_thread(client) -> str:
    thread = await client.threads.create()
    return thread["thread_id"]


async def _e2e_wait(client, args, res: Result) -> None:
    thread_id = await _create_thread(client)  # not timed
    t0 = time.perf_counter()
    errors = 0
    first_exc = None
    for _ in range(args.count):
        try:
            await client.runs.wait(thread_id, "echo", input={"text": "hi"})
        except Exception as exc:
            errors += 1
            if first_exc is None:
                first_exc = exc
    res.seconds = time.perf_counter() - t0
    res.requests = args.count
    res.errors = errors
    if first_exc is not None:
        _report_exc(f"runs.wait failed {errors} time(s), first", first_exc)


async def _e2e_stream(client, args, res: Result) -> None:
    thread_id = await _create_thread(client)  # not timed
    t0 = time.perf_counter()
    errors = 0
    events = 0
    first_exc = None
    for _ in range(args.count):
        try:
            async for _part in client.runs.stream(
                thread_id, "echo", input={"text": "hi"}, stream_mode="values"
            ):
                events += 1
        except Exception as exc:
            errors += 1
            if first_exc is None:
                first_exc = exc
    res.seconds = time.perf_counter() - t0
    res.requests = args.count
    res.events = events
    res.errors = errors
    if first_exc is not None:
        _report_exc(f"runs.stream failed {errors} time(s), first", first_exc)


async def _main(args) -> Result:
    client = get_client(url=args.url, api_key=None)  # not timed
    res = Result()
    try:
        if args.workload in ("stream", "memory"):
            await _stream(client, args, res)
        elif args.workload == "requests":
            await _requests(client, args, res)
        elif args.workload == "concurrent":
            await _concurrent(client, args, res)
        elif args.workload == "e2e-wait":
            await _e2e_wait(client, args, res)
        elif args.workload == "e2e-stream":
            await _e2e_stream(client, args, res)
    except Exception as exc:  # e.g. thread creation failed: count, don't crash
        res.errors += 1
        _report_exc(f"{args.workload} aborted", exc)
    finally:
        try:
            await client.aclose()
        except Exception as exc:
            _report_exc("closing the client", exc)
    return res


def _parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="runner.py", description=__doc__.split("\n\n")[0])
    p.add_argument("workload", choices=WORKLOADS)
    p.add_argument("--url", required=True)
    p.add_argument("--thread")
    p.add_argument("--run")
    p.add_argument("--count", type=int)
    p.add_argument("--concurrency", type=int)
    args = p.parse_args(argv)

    need = {
        "stream": ("thread", "run"),
        "memory": ("thread", "run"),
        "requests": ("thread", "count"),
        "concurrent": ("thread", "run", "concurrency"),
        "e2e-wait": ("count",),
        "e2e-stream": ("count",),
    }[args.workload]
    missing = [f"--{name}" for name in need if getattr(args, name) is None]
    if missing:
        p.error(f"workload {args.workload!r} needs {', '.join(missing)}")
    for name in ("count", "concurrency"):
        v = getattr(args, name)
        if v is not None and v < 1:
            p.error(f"--{name} must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)  # exits 2 on usage errors
    res = asyncio.run(_main(args))
    out = {
        "workload": args.workload,
        "seconds": res.seconds,
        "events": res.events,
        "requests": res.requests,
        "errors": res.errors,
        "peak_rss_kb": int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
