"""Kernel benchmark: modelbench vs tslab vs ipykernel, measured in the same run.

For each kernel it measures
  * start-up: from KernelManager.start_kernel() until the first kernel_info_reply arrives while
    client.wait_for_ready() runs (median over --starts starts, taken round-robin across kernels);
  * round-trip of a small cell (`1 + 1`): execute_request sent -> execute_reply received AND the
    idle status for that request seen on IOPub, median over --rounds rounds, after a history of
    N cells that each define a new variable (`const v17 = 17;` / `v17 = 17`), for N in --history;
  * a long session (--soak N): N new cells on one kernel, each defining a new variable, every one
    timed, with the resident size of the kernel's process tree sampled as it goes; at the end one
    cell reads variables of the first, middle and last cells back.

Prints a Markdown table to stdout (progress goes to stderr) and writes the raw numbers to
bench/results/kernel.json. This is a benchmark, not a test: it asserts nothing about the times
and exits non-zero only when a kernel fails to start or to run a cell.

Run it with the project's venv from the repository root:
    npm run bench kernel     (or: .venv/bin/python bench/kernel/bench.py)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from queue import Empty

import ipykernel
import psutil  # installed with ipykernel
import jupyter_client
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[2]
TSLAB = ROOT / "node_modules" / "tslab"
RESULTS = ROOT / "bench" / "results" / "kernel.json"

# name shown in the table -> kernelspec name and how to write cells for it
KERNELS = {
    "modelbench": {"spec": "modelbench", "lang": "ts"},
    "tslab": {"spec": "tslab", "lang": "ts"},
    "ipykernel": {"spec": "python3", "lang": "py"},
}
SMALL_CELL = "1 + 1"


def define_cell(lang: str, i: int) -> str:
    return f"const v{i} = {i};" if lang == "ts" else f"v{i} = {i}"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class KernelFailure(Exception):
    pass


class IdleLost(Exception):
    """The cell's execute_reply arrived (status ok) but its idle status never did.

    tslab 1.0.22 does this about every 512 IOPub messages: it sends without awaiting zeromq's
    send() promises, and zeromq.js 6 defers one send after 512 synchronous ones and throws EBUSY
    for any other send on that socket until the deferred one has gone; tslab loses those messages.
    The sample is left out of the median and reported, and the run goes on."""


# ---------------------------------------------------------------------------------------------
# kernelspecs


def node_binary() -> str:
    """The node that runs modelbench (its kernelspec's argv[0]), so both TS kernels share it."""
    try:
        spec = KernelSpecManager().get_kernel_spec("modelbench")
        if spec.argv and os.path.isabs(spec.argv[0]) and os.path.exists(spec.argv[0]):
            return spec.argv[0]
    except NoSuchKernel:
        pass
    found = shutil.which("node")
    if not found:
        raise SystemExit("bench: node not found on PATH")
    return found


BASELINE = "modelbench@base"


def add_baseline(tmp: Path, tree: Path) -> None:
    """A second modelbench kernel from another checkout (its dist/ built), e.g. main before a change,
    measured in the same run as this one: `--baseline /path/to/checkout`."""
    main_js = tree / "dist" / "kernel" / "main.js"
    if not main_js.exists():
        raise SystemExit(f"bench: {main_js} not found: build that checkout first (`npx tsc -p tsconfig.json` there)")
    spec = {
        "argv": [node_binary(), str(main_js), "--connection-file", "{connection_file}"],
        "display_name": f"TypeScript (modelbench at {tree})",
        "language": "typescript",
        "interrupt_mode": "message",
        "env": {"NODE_OPTIONS": "--max-old-space-size=8192"},
    }
    d = tmp / "kernels" / "modelbench-base"
    d.mkdir(parents=True, exist_ok=True)
    (d / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    KERNELS[BASELINE] = {"spec": "modelbench-base", "lang": "ts"}


def make_spec_manager(tmp: Path) -> KernelSpecManager:
    """The default kernel dirs (the venv's modelbench and python3) with a temporary one in front
    that holds a tslab kernelspec pointing at this checkout's node_modules/tslab."""
    # bin/tslab, not dist/main.js: dist/main.js only exports main() and exits at once (code 0) when
    # run directly; bin/tslab is the CLI that calls it.
    cli = TSLAB / "bin" / "tslab"
    if not cli.exists():
        raise SystemExit(f"bench: {cli} not found: run `npm install` (or `node scripts/setup.mjs`) first")
    kernels = tmp / "kernels"
    (kernels / "tslab").mkdir(parents=True)
    spec = {
        # The same argv tslab's own installer writes (python/install.py), with absolute paths:
        # `tslab kernel --config-path {connection_file}`.
        "argv": [node_binary(), str(cli), "kernel", "--config-path", "{connection_file}"],
        "display_name": "TypeScript (tslab, bench)",
        "language": "typescript",
    }
    (kernels / "tslab" / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    ksm = KernelSpecManager()
    ksm.kernel_dirs = [str(kernels)] + [d for d in ksm.kernel_dirs if d != str(kernels)]
    return ksm


# ---------------------------------------------------------------------------------------------
# one running kernel


class Session:
    def __init__(self, name: str, ksm: KernelSpecManager, env: dict, logdir: Path, timeout: float, start_timeout: float,
                 idle_grace: float = 5.0):
        self.name = name
        self.spec_name = KERNELS[name]["spec"]
        self.lang = KERNELS[name]["lang"]
        self.ksm = ksm
        self.env = env
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.idle_grace = idle_grace
        self.cells_run = 0
        self.logdir = logdir
        self.km: KernelManager | None = None
        self.kc = None
        self.logfile = None
        self.logpath: Path | None = None

    def start(self, label: str) -> dict:
        """Starts the kernel; returns the start-up timings in seconds."""
        self.logpath = self.logdir / f"{self.name}-{label}.log"
        self.logfile = open(self.logpath, "wb")
        self.km = KernelManager(kernel_name=self.spec_name, kernel_spec_manager=self.ksm)
        self.km.shutdown_wait_time = 5.0
        first_reply: list[float] = []

        t0 = time.perf_counter()
        self.km.start_kernel(env=self.env, cwd=str(ROOT), stdout=self.logfile, stderr=self.logfile)
        kc = self.km.client()
        self.kc = kc
        # Timestamp the first kernel_info_reply that wait_for_ready reads: wait_for_ready itself
        # then also waits for an IOPub message and for 0.2 s of IOPub silence before it returns.
        shell = kc.shell_channel
        original_get_msg = shell.get_msg

        def get_msg(*args, **kwargs):
            msg = original_get_msg(*args, **kwargs)
            if not first_reply and msg.get("msg_type") == "kernel_info_reply":
                first_reply.append(time.perf_counter())
            return msg

        shell.get_msg = get_msg
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.start_timeout)
        except RuntimeError as e:
            raise KernelFailure(f"{self.name} did not become ready: {e}") from e
        finally:
            shell.get_msg = original_get_msg
        t_ready = time.perf_counter()
        if not first_reply:
            raise KernelFailure(f"{self.name}: wait_for_ready returned without a kernel_info_reply")
        return {
            "first_kernel_info_reply_s": first_reply[0] - t0,
            "wait_for_ready_s": t_ready - t0,
        }

    def run(self, code: str) -> float:
        """Runs one cell; returns the seconds from sending execute_request until both its
        execute_reply and its idle status have been received."""
        kc = self.kc
        assert kc is not None
        self.cells_run += 1
        t0 = time.perf_counter()
        msg_id = kc.execute(code, silent=False, store_history=True, allow_stdin=False)
        deadline = t0 + self.timeout

        def remaining() -> float:
            left = deadline - time.perf_counter()
            if left <= 0:
                alive = self.km.is_alive() if self.km else False
                raise KernelFailure(
                    f"{self.name}: no {'execute_reply' if reply is None else 'idle status'} within "
                    f"{self.timeout:g} s for {code!r} (kernel process {'alive' if alive else 'dead'})"
                )
            return left

        reply = None
        while reply is None:
            try:
                msg = kc.get_shell_msg(timeout=remaining())
            except Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "execute_reply":
                reply = msg
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelFailure(
                f"{self.name}: {code!r} replied {content.get('status')}: "
                f"{content.get('ename', '')}: {content.get('evalue', '')}"
            )
        # Every kernel publishes idle right after the reply: once the reply is in, a missing idle
        # is a lost message, so wait for it only idle_grace seconds (within the cell's timeout).
        deadline = min(deadline, time.perf_counter() + self.idle_grace)
        seen: list[str] = []
        idle = False
        while not idle:
            try:
                msg = kc.get_iopub_msg(timeout=max(0.0, deadline - time.perf_counter()))
            except Empty:
                if time.perf_counter() >= deadline:
                    raise IdleLost(
                        f"{self.name}: {code!r} got its execute_reply (ok) but no idle status within "
                        f"{self.idle_grace:g} s after it; IOPub messages seen for it: {seen or 'none'}"
                    ) from None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue  # from another request (e.g. kernel_info at start-up)
            state = msg["content"].get("execution_state") if msg["msg_type"] == "status" else None
            seen.append(f"status:{state}" if state else msg["msg_type"])
            if state == "idle":
                idle = True
        return time.perf_counter() - t0

    def tree_rss(self) -> int:
        """Resident bytes of the kernel's process and all its descendants (modelbench's runtime child)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is None:
            raise KernelFailure(f"{self.name}: no kernel process to measure")
        root = psutil.Process(process.pid)
        total = 0
        for p in [root, *root.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def exit_code(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        try:
            return process.poll() if process is not None else None
        except Exception:
            return None

    def log_tail(self, lines: int = 20) -> str:
        if not self.logpath or not self.logpath.exists():
            return ""
        if self.logfile:
            self.logfile.flush()
        text = self.logpath.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        try:
            if self.km is not None and self.km.has_kernel:
                try:
                    self.km.shutdown_kernel(now=False)
                except Exception:
                    self.km.shutdown_kernel(now=True)
        except Exception as e:
            log(f"{self.name}: shutdown failed: {e}")
        finally:
            if self.logfile:
                self.logfile.close()
                self.logfile = None
            self.kc = None
            self.km = None


# ---------------------------------------------------------------------------------------------
# measurements


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def describe(samples: list[float]) -> dict:
    return {
        "median_s": median(samples),
        "min_s": min(samples) if samples else None,
        "max_s": max(samples) if samples else None,
        "samples_s": samples,
    }


def fail(result: dict, session: Session, error: BaseException) -> None:
    expected = isinstance(error, (KernelFailure, IdleLost))
    message = str(error) if expected else f"{type(error).__name__}: {error}"
    result["errors"].append(message)
    log(f"FAILED {message}")
    if not expected:
        log(traceback.format_exc().rstrip())
    code = session.exit_code()
    if code is not None:
        log(f"the {session.name} kernel process exited with code {code}")
        result["errors"][-1] += f" (kernel process exit code {code})"
    tail = session.log_tail()
    if tail:
        log(f"last lines of the {session.name} kernel's output:\n{tail}")


def measure_startups(names: list[str], results: dict, ksm, env, tmp: Path, args) -> None:
    """Round-robin across kernels so a drift in machine load is shared by all of them."""
    for i in range(args.starts):
        for name in names:
            r = results[name]
            if r["errors"]:
                continue
            s = Session(name, ksm, env, tmp, args.timeout, args.start_timeout, args.idle_grace)
            try:
                t = s.start(f"start{i + 1}")
                # One small cell after ready: modelbench answers kernel_info before its runtime
                # child is up, so this shows the time until a cell can actually run.
                t["first_cell_s"] = s.run(SMALL_CELL)  # an IdleLost here fails the start (not seen so far)
                t["first_result_s"] = t["wait_for_ready_s"] + t["first_cell_s"]
                for k, v in t.items():
                    r["startup"][k].append(v)
                log(f"{name}: start {i + 1}/{args.starts}: first kernel_info_reply {t['first_kernel_info_reply_s'] * 1000:.0f} ms, "
                    f"wait_for_ready {t['wait_for_ready_s'] * 1000:.0f} ms, first cell {t['first_cell_s'] * 1000:.0f} ms")
            except Exception as e:  # noqa: BLE001 - reported, then the run goes on
                fail(r, s, e)
            finally:
                s.shutdown()


def measure_roundtrips(name: str, result: dict, ksm, env, tmp: Path, args) -> None:
    s = Session(name, ksm, env, tmp, args.timeout, args.start_timeout, args.idle_grace)
    lost = result["idle_lost"]

    def attempt(code: str, phase: str, n: int) -> float | None:
        try:
            return s.run(code)
        except IdleLost as e:
            lost.append({"history": n, "phase": phase, "cell": code, "cells_run": s.cells_run, "detail": str(e)})
            log(f"WARNING {e} (history point {n}, {phase}; cell {s.cells_run} of this kernel)")
            return None

    try:
        s.start("roundtrip")
        defined = 0
        define_times: list[float | None] = []
        for n in args.history:
            t_build = time.perf_counter()
            while defined < n:
                defined += 1
                define_times.append(attempt(define_cell(s.lang, defined), "history", n))
            build_s = time.perf_counter() - t_build
            timed = [attempt(SMALL_CELL, "timed", n) for _ in range(args.rounds)]
            samples = [x for x in timed if x is not None]
            point = describe(samples)
            point["idle_lost"] = len(timed) - len(samples)
            point["history_build_s"] = build_s
            result["roundtrip"][str(n)] = point
            # A new small cell each time (`1001 + 1`, `1002 + 1`, …): nothing about it is cached yet.
            fresh = [attempt(f"{1000 * n + k} + 1", "new", n) for k in range(args.rounds)]
            fresh_samples = [x for x in fresh if x is not None]
            result["roundtrip_new"][str(n)] = describe(fresh_samples) if fresh_samples else {}
            if samples:
                log(f"{name}: history {n}: median round-trip {median(samples) * 1000:.1f} ms "
                    f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}; built in {build_s:.1f} s)")
            else:
                log(f"{name}: history {n}: every timed cell lost its idle status")
        result["define_cells_s"] = define_times
    except Exception as e:  # noqa: BLE001
        fail(result, s, e)
    finally:
        s.shutdown()


SOAK_START = (50, 150)  # cells whose median is the session's starting latency (after warm-up)
SOAK_END = 100  # the last cells, whose median is its latency at the end


def soak_cell(lang: str, i: int) -> str:
    return f"const s{i} = {i};" if lang == "ts" else f"s{i} = {i}"


def soak_check(lang: str, n: int) -> tuple[str, str]:
    """A cell that reads back what the first, middle and last soak cells defined, and its expected text."""
    picks = sorted({1, 2, n // 2, n})
    code = " + ".join(f"s{i}" for i in picks)
    return code, str(sum(picks))


def slope(points: list[tuple[int, int]]) -> float | None:
    """Least-squares growth in bytes per cell of (cells run, resident bytes) samples."""
    if len(points) < 2:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else None


def measure_soak(name: str, result: dict, ksm, env, tmp: Path, args) -> None:
    """--soak N new cells on one kernel: latency at the start and at the end of the session, and how
    much the kernel's processes grow a cell (sampled every --soak-every cells from cell 150 on)."""
    n = args.soak
    s = Session(name, ksm, env, tmp, args.timeout, args.start_timeout, args.idle_grace)
    soak = result["soak"] = {"cells": n, "times_s": [], "rss_bytes": [], "idle_lost": 0}
    try:
        s.start("soak")
        s.run(SMALL_CELL)
        soak["startup_rss_bytes"] = s.tree_rss()
        t_begin = time.perf_counter()
        for i in range(1, n + 1):
            try:
                soak["times_s"].append(s.run(soak_cell(s.lang, i)))
            except IdleLost as e:
                soak["times_s"].append(None)
                soak["idle_lost"] += 1
                log(f"WARNING {e} (soak cell {i})")
            if i >= SOAK_START[1] and (i % args.soak_every == 0 or i == n):
                soak["rss_bytes"].append((i, s.tree_rss()))
            if i % 500 == 0:
                done = [t for t in soak["times_s"][-100:] if t is not None]
                log(f"{name}: soak {i}/{n}: last 100 cells median {median(done) * 1000:.1f} ms, "
                    f"processes {s.tree_rss() / 2**20:.0f} MB")
        soak["elapsed_s"] = time.perf_counter() - t_begin
        code, expected = soak_check(s.lang, n)
        msg_id = s.kc.execute(code)
        reply = s.kc.get_shell_msg(timeout=args.timeout)
        shown = None
        while shown is None:
            msg = s.kc.get_iopub_msg(timeout=args.timeout)
            if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
                shown = msg["content"]["data"].get("text/plain")
        soak["check"] = {"code": code, "expected": expected, "shown": shown, "status": reply["content"].get("status")}
        if shown != expected:
            raise KernelFailure(f"{name}: after {n} soak cells `{code}` showed {shown!r}, not {expected}")
        times = soak["times_s"]
        first = [t for t in times[SOAK_START[0] - 1:SOAK_START[1]] if t is not None]
        last = [t for t in times[-SOAK_END:] if t is not None]
        soak["start_median_s"] = median(first)
        soak["end_median_s"] = median(last)
        soak["rss_growth_bytes_per_cell"] = slope(soak["rss_bytes"])
        log(f"{name}: soak of {n} cells: median {fmt_ms(soak['start_median_s'])} (cells {SOAK_START[0]}-{SOAK_START[1]}) "
            f"-> {fmt_ms(soak['end_median_s'])} (last {SOAK_END}); "
            f"{(soak['rss_growth_bytes_per_cell'] or 0) / 1024:.1f} KB a cell; {soak['elapsed_s']:.0f} s")
    except Exception as e:  # noqa: BLE001
        fail(result, s, e)
    finally:
        s.shutdown()


# ---------------------------------------------------------------------------------------------
# output


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "failed"
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(names: list[str], results: dict, args) -> str:
    show_ratio = "modelbench" in names and "tslab" in names
    show_base = "modelbench" in names and BASELINE in names
    header = ["metric"] + names + (["modelbench / tslab"] if show_ratio else []) + (["modelbench / base"] if show_base else [])

    def row(label: str, value, mark=lambda r: "") -> list[str]:
        vals = {n: value(results[n]) for n in names}
        cells = [label] + [fmt_ms(vals[n]) + mark(results[n]) for n in names]
        if show_ratio:
            cells.append(ratio(vals["modelbench"], vals["tslab"]))
        if show_base:
            cells.append(ratio(vals["modelbench"], vals[BASELINE]))
        return cells

    def startup(key):
        return lambda r: median(r["startup"][key]) if len(r["startup"][key]) == args.starts else None

    def roundtrip(n):
        return lambda r: (r["roundtrip"].get(str(n)) or {}).get("median_s")

    rows = [row(f"start-up (to first kernel_info_reply, median of {args.starts})", startup("first_kernel_info_reply_s"))]
    def lost_at(n):
        def mark(r):
            if not any(e["history"] == n for e in r["idle_lost"]):
                return ""
            kept = len((r["roundtrip"].get(str(n)) or {}).get("samples_s", []))
            return " †" + (f" ({kept} of {args.rounds})" if kept < args.rounds else "")
        return mark

    rows += [
        row(f"round-trip `{SMALL_CELL}` @ history {n} (median of {args.rounds})", roundtrip(n), lost_at(n))
        for n in args.history
    ]

    def roundtrip_new(n):
        return lambda r: (r.get("roundtrip_new", {}).get(str(n)) or {}).get("median_s")

    rows += [
        row(f"round-trip of a new small cell `k + 1` @ history {n} (median of {args.rounds})", roundtrip_new(n))
        for n in args.history
    ]
    main = markdown_table(header, rows)
    note = (
        "\n\nHistory N = N variable-defining cells run in one kernel before the timed cells (the timed cells"
        " of earlier points are in its history too)."
    )
    for n in names:
        lost = results[n]["idle_lost"]
        if not lost:
            continue
        where = ", ".join(
            f"cell {e['cells_run']} ({'timed `' + e['cell'] + '`' if e['phase'] in ('timed', 'new') else 'building'} history {e['history']})"
            for e in lost
        )
        note += (
            f"\n\n† {n}: {len(lost)} cell(s) got an ok execute_reply but never their idle status on IOPub: {where}."
            " Timed cells that lost it are left out of the median (so it may be of fewer samples); the kernel"
            " went on answering."
        )

    extra = markdown_table(
        header,
        [
            row(f"wait_for_ready() returned (median of {args.starts})", startup("wait_for_ready_s")),
            row(f"first cell `{SMALL_CELL}` after ready (median of {args.starts})", startup("first_cell_s")),
            row(f"start_kernel() -> ready -> first cell done (median of {args.starts})", startup("first_result_s")),
        ],
    )
    soak = soak_report(names, results, args)
    return (
        main
        + note
        + soak
        + "\n\nSupplementary (not the start-up metric above): jupyter_client's wait_for_ready() also waits for an"
        " IOPub message and 0.2 s of IOPub silence; the first cell includes any runtime warm-up after kernel_info.\n\n"
        + extra
    )


def soaked(names: list[str], args) -> list[str]:
    """The kernels of the long-session row: tslab is left out, it loses IOPub messages every ~512 sent
    (see IdleLost) and each loss costs the soak --idle-grace seconds."""
    return [n for n in names if n != "tslab"] if args.soak else []


def soak_report(names: list[str], results: dict, args) -> str:
    kernels = [n for n in soaked(names, args) if results[n].get("soak", {}).get("end_median_s") is not None]
    if not kernels:
        return ""

    def mb(b):
        return f"{b / 2**20:.0f} MB"

    rows = []
    for n in kernels:
        k = results[n]["soak"]
        growth = k["rss_growth_bytes_per_cell"]
        rss = k["rss_bytes"]
        rows.append([
            n,
            str(k["cells"]),
            fmt_ms(k["start_median_s"]),
            fmt_ms(k["end_median_s"]),
            ratio(k["end_median_s"], k["start_median_s"]),
            mb(k["startup_rss_bytes"]),
            f"{mb(rss[0][1])} → {mb(rss[-1][1])}",
            "n/a" if growth is None else f"{growth / 1024:.1f} KB",
            "yes" if k["check"]["shown"] == k["check"]["expected"] else "no",
        ])
    table = markdown_table(
        ["long session (--soak)", "cells", f"median, cells {SOAK_START[0]}–{SOAK_START[1]}", f"median, last {SOAK_END}",
         "end / start", "resident at start-up", f"resident, cell {SOAK_START[1]} → end", "growth a cell", "first cells' variables read back"],
        rows,
    )
    return (
        "\n\n" + table + "\n\nLong session: one kernel runs --soak new cells, each defining a new variable"
        f" (`{soak_cell('ts', 17)}` / `{soak_cell('py', 17)}`), every one timed as the round-trips above. Resident size is"
        " the RSS of the kernel's whole process tree (modelbench's protocol process and its runtime child), after one"
        f" `{SMALL_CELL}` at start-up and every {args.soak_every} cells from cell {SOAK_START[1]} on; growth a cell is the"
        " least-squares slope of those samples. The last column: one cell adding variables of the first, middle and last"
        " cells shows their sum. tslab is left out (it loses IOPub messages, see † above)."
    )


def versions(node: str) -> dict:
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:
            return None

    tslab_pkg = json.loads((TSLAB / "package.json").read_text())
    return {
        "python": sys.version.split()[0],
        "node": run([node, "--version"]),
        "jupyter_client": jupyter_client.__version__,
        "ipykernel": ipykernel.__version__,
        "tslab": tslab_pkg.get("version"),
        "modelbench_commit": run(["git", "-C", str(ROOT), "rev-parse", "HEAD"]),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kernels", default=",".join(KERNELS), help="comma-separated subset of %(default)s")
    p.add_argument("--starts", type=int, default=3, help="start-ups per kernel (default %(default)s)")
    p.add_argument("--rounds", type=int, default=40, help="timed small cells per history point (default %(default)s)")
    p.add_argument("--history", default="1,100,200", help="history lengths (default %(default)s)")
    p.add_argument("--soak", type=int, default=1000,
                   help="cells of the long-session row, each a new cell defining a new variable (default %(default)s; "
                        "0 leaves the row out; the recorded run uses 5000)")
    p.add_argument("--soak-every", type=int, default=50, help="sample the kernel's resident size every this many soak cells (default %(default)s)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per cell (default %(default)s)")
    p.add_argument("--start-timeout", type=float, default=60.0, help="seconds allowed for a start-up (default %(default)s)")
    p.add_argument("--idle-grace", type=float, default=5.0,
                   help="seconds to wait for a cell's idle status once its execute_reply is in (default %(default)s)")
    p.add_argument("--json", default=str(RESULTS), help="where to write the raw numbers (default bench/results/kernel.json)")
    p.add_argument("--baseline", type=Path,
                   help=f"another modelbench checkout (built) to measure in the same run as {BASELINE}, e.g. main before a change")
    args = p.parse_args(argv)
    args.kernels = [k.strip() for k in args.kernels.split(",") if k.strip()]
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
        KERNELS[BASELINE] = {"spec": "modelbench-base", "lang": "ts"}
        if BASELINE not in args.kernels:
            args.kernels.insert(args.kernels.index("modelbench") + 1 if "modelbench" in args.kernels else 0, BASELINE)
    unknown = [k for k in args.kernels if k not in KERNELS]
    if unknown:
        p.error(f"unknown kernel(s) {unknown}; choose from {list(KERNELS)}")
    args.history = sorted({int(n) for n in args.history.split(",")})
    if args.starts < 1 or args.rounds < 1 or any(n < 0 for n in args.history):
        p.error("--starts and --rounds must be >= 1 and history lengths >= 0")
    if args.soak and args.soak < SOAK_START[1] + SOAK_END:
        p.error(f"--soak must be 0 or at least {SOAK_START[1] + SOAK_END} (its start is cells {SOAK_START[0]}-{SOAK_START[1]}, its end the last {SOAK_END})")
    if args.soak_every < 1:
        p.error("--soak-every must be >= 1")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    python = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
    command = shlex.join([python, os.path.relpath(__file__, ROOT), *argv])
    print(f"Reproduce (from {ROOT}): `{command}`" + ("  (or `npm run bench kernel`)" if not argv else ""))
    print()

    names = args.kernels
    results = {
        n: {
            "kernelspec": KERNELS[n]["spec"],
            "startup": {"first_kernel_info_reply_s": [], "wait_for_ready_s": [], "first_cell_s": [], "first_result_s": []},
            "roundtrip": {},
            "roundtrip_new": {},
            "idle_lost": [],
            "errors": [],
        }
        for n in names
    }
    t_begin = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="modelbench-bench-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "runtime").mkdir()
        (tmp / "ipython").mkdir()
        # Nothing of the benchmark lands in the project store, ~/.ipython or ~/.local/share/jupyter.
        overrides = {
            "MODELBENCH_STORE": f"sqlite://{tmp / 'store.db'}",  # sqlite:///tmp/.../store.db
            "IPYTHONDIR": str(tmp / "ipython"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        }
        saved = {k: os.environ.get(k) for k in overrides}
        os.environ.update(overrides)
        env = dict(os.environ)

        ksm = make_spec_manager(tmp)
        if args.baseline is not None:
            add_baseline(tmp, args.baseline)
        for n in names:
            try:
                spec = ksm.get_kernel_spec(KERNELS[n]["spec"])
                results[n]["argv"] = spec.argv
                results[n]["resource_dir"] = spec.resource_dir
                log(f"{n}: kernelspec {spec.resource_dir}: {shlex.join(spec.argv)}")
            except NoSuchKernel as e:
                results[n]["errors"].append(f"no kernelspec '{KERNELS[n]['spec']}': {e}")
                log(f"FAILED {n}: no kernelspec '{KERNELS[n]['spec']}' (for modelbench run `node scripts/setup.mjs`)")

        try:
            measure_startups(names, results, ksm, env, tmp, args)
            for n in names:
                if not results[n]["errors"]:
                    measure_roundtrips(n, results[n], ksm, env, tmp, args)
            for n in soaked(names, args):
                if not results[n]["errors"]:
                    measure_soak(n, results[n], ksm, env, tmp, args)
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        finally:
            store_written = (tmp / "store.db").exists()
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    elapsed = time.perf_counter() - t_begin

    print(report(names, results, args))
    failed = [n for n in names if results[n]["errors"]]
    if failed:
        print()
        for n in failed:
            for e in results[n]["errors"]:
                print(f"- **{n} failed**: {e}")
    print()
    json_path = Path(args.json).resolve()
    shown_json = json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path
    load_after = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load_before[0]:.1f} before and {load_after[0]:.1f} after;"
          f" total bench time {elapsed:.0f} s. Raw numbers: {shown_json}")

    out = {
        "command": command,
        "cwd": str(ROOT),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "elapsed_s": elapsed,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "params": {
            "starts": args.starts,
            "rounds": args.rounds,
            "history": args.history,
            "small_cell": SMALL_CELL,
            "define_cell": {"ts": define_cell("ts", 17), "py": define_cell("py", 17)},
            "timeout_s": args.timeout,
            "soak": args.soak,
            "soak_cell": {"ts": soak_cell("ts", 17), "py": soak_cell("py", 17)},
        },
        "env": {**overrides, "temporary_store_written": store_written},
        "versions": versions(node_binary()),
        "baseline": None if args.baseline is None else {
            "path": str(args.baseline),
            "commit": subprocess.run(["git", "-C", str(args.baseline), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or None,
        },
        "kernels": results,
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
