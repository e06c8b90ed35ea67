#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py OUTDIR MODE=RESULTS...

The host side of `make bench`: reads the "fig KEY VALUE UNIT DESCRIPTION"
lines each guest boot reported (one file per mode: a kernel and a clock,
e.g. prod-icount, prod-realtime, debug-icount, debug-realtime), and writes
into OUTDIR:

  results.md      the targets (on the first icount mode), every ratio and
                  overhead in every mode, then every figure
  throughput.png  MiB/s against copy size: CPU memcpy, the raw engine,
                  dmaeng, dmaengine (icount modes)
  percopy.png     ns per 64-byte copy against the number of channels

Ratios and differences are computed here, within one mode (one boot),
never across boots.  Exits non-zero if a mode reported no figure.
"""

import os
import subprocess
import sys

SIZES = (4096, 65536, 1048576)
CHANS = (1, 2, 4, 8)


PROF = "__prof__"    # the function_graph lines of a mode, not a figure


def read_figs(path):
    figs = {}
    prof = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.strip().split(None, 5)
            if len(parts) == 6 and parts[0] == "prof":
                # prof DEPTH CALLS MEAN-NS ENTRY CALLEE|-
                try:
                    prof.append((int(parts[1]), parts[4], parts[5],
                                 int(parts[2]), float(parts[3])))
                except ValueError:
                    pass
                continue
            parts = line.strip().split(None, 4)
            if len(parts) < 4 or parts[0] != "fig":
                continue
            try:
                value = float(parts[2])
            except ValueError:
                continue
            figs[parts[1]] = (value, parts[3], parts[4] if len(parts) > 4 else "")
    if prof:
        figs[PROF] = prof
    return figs


# The entry points the trace phase follows, per engine, in call order.
ENTRIES = {
    "raw engine": ("db_raw_submit", "db_raw_issue", "db_raw_work"),
    "dmaeng": ("dmaeng_prep_memcpy", "dmaeng_submit", "dmaeng_issue_pending", "mc_work"),
    "dmaengine": ("ka_prep_memcpy", "ka_tx_submit", "ka_issue_pending", "ka_work"),
}
# The same as columns: prep, submit, issue, work item (the raw engine has
# no prep: its request lives in the caller's slot).
COLS = {
    "raw engine": (None, "db_raw_submit", "db_raw_issue", "db_raw_work"),
    "dmaeng": ("dmaeng_prep_memcpy", "dmaeng_submit", "dmaeng_issue_pending", "mc_work"),
    "dmaengine": ("ka_prep_memcpy", "ka_tx_submit", "ka_issue_pending", "ka_work"),
}


def where(modes):
    """The function_graph breakdown, of each mode that has one."""
    out = []
    for m, figs in modes.items():
        prof = figs.get(PROF)
        if not prof:
            continue

        def entry(depth, e):
            return next(((p[3], p[4]) for p in prof
                         if p[0] == depth and p[1] == e and p[2] == "-"), None)
        out += [f"## Where the time goes ({m})", "",
                "ftrace's function_graph over 100 64-byte copies per engine "
                "on one channel (the bench's trace phase).  First each entry "
                "point alone (nothing under it traced, so each carries the "
                "tracer's cost once and their differences are the engines'): "
                "mean ns per call.  dmaengine's rows are the adapter's "
                "callbacks (its inline wrappers are not functions).", "",
                "| engine | " + " | ".join(("prep", "submit", "issue", "work item")) +
                " | submitter's side |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for eng, cols in COLS.items():
            vals = [entry(1, e) if e else None for e in cols]
            side = sum(v[1] for v in vals[:3] if v)
            cells = [f"`{e}` {v[1]:,.0f}" if v else "-" for e, v in zip(cols, vals)]
            out.append(f"| {eng} | " + " | ".join(cells) + f" | {side:,.0f} |")
        out += ["", "Then two levels: each entry point and what it calls "
                "directly, every callee with the tracer's cost too (compare "
                "them with each other): mean ns (calls per entry call).", "",
                "| engine | entry point | calls | mean ns | callees: mean ns (calls per entry) |",
                "| --- | --- | ---: | ---: | --- |"]
        for eng, entries in ENTRIES.items():
            for e in entries:
                top = entry(2, e)
                if not top:
                    continue
                calls, mean = max(top[0], 1), top[1]
                kids = sorted((p for p in prof if p[0] == 2 and p[1] == e and p[2] != "-"),
                              key=lambda p: -p[3] * p[4])
                desc = ", ".join(f"`{p[2]}` {p[4]:,.0f} ({p[3] / calls:.2g})"
                                 for p in kids[:8])
                out.append(f"| {eng} | `{e}` | {calls} | {mean:,.0f} | {desc} |")
        out.append("")
    return out


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


# (label, numerator key, denominator key): how many times the denominator
RATIOS = [
    ("find_channel: dmaeng / bare per-CPU read, 1 CPU", "find.dmaeng.1cpu", "find.floor.1cpu"),
    ("find_channel: dmaeng / dmaengine, 1 CPU", "find.dmaeng.1cpu", "find.dmaengine.1cpu"),
    ("find_channel: dmaeng / dmaengine, 2 CPUs at once", "find.dmaeng.2cpu", "find.dmaengine.2cpu"),
    ("find_channel: dmaeng, 2 CPUs / 1 CPU", "find.dmaeng.2cpu", "find.dmaeng.1cpu"),
    ("64 B copy cost: dmaeng / dmaengine, 1 channel", "copy64.dmaeng.ns", "copy64.dmaengine.ns"),
] + [
    (f"64 B copy cost: dmaeng / dmaengine, {n} channels",
     f"copy64.dmaeng.ch{n}", f"copy64.dmaengine.ch{n}") for n in CHANS[1:]
] + [
    (f"throughput {s // 1024} KiB, 1 channel: dmaeng / CPU memcpy",
     f"tput.dmaeng.1ch.{s}", f"tput.cpu.{s}") for s in SIZES
] + [
    (f"throughput {s // 1024} KiB, 1 channel: dmaeng / dmaengine",
     f"tput.dmaeng.1ch.{s}", f"tput.dmaengine.1ch.{s}") for s in SIZES
] + [
    (f"throughput {s // 1024} KiB, all channels: dmaeng / CPU memcpy (as many threads)",
     f"tput.dmaeng.allch.{s}", f"tput.cpuall.{s}") for s in SIZES
] + [
    (f"throughput {s // 1024} KiB, all channels: dmaeng / dmaengine",
     f"tput.dmaeng.allch.{s}", f"tput.dmaengine.allch.{s}") for s in SIZES
] + [
    ("client register+unregister: 64 / 1 channels (1 client)", "reg.client.ch64.cl1", "reg.client.ch1.cl1"),
    ("client register+unregister: 64 / 1 clients (8 channels)", "reg.client.ch8.cl64", "reg.client.ch8.cl1"),
    ("mapping-debug layer: on / off", "map.on", "map.off"),
] + [
    (f"net-copy {s // 1024} KiB reads: ioctl / recv()",
     f"netcopy.ioctl.{s}", f"netcopy.recv.{s}") for s in SIZES
] + [
    (f"net-copy {s // 1024} KiB reads, receiver CPU per KiB: ioctl / recv()",
     f"netcopy.ioctl.{s}.cpu", f"netcopy.recv.{s}.cpu") for s in SIZES
]


# (label, minuend key, subtrahend key): a framework's own cost, in ns, over
# the floor it was measured next to (the raw engine, a bare per-CPU read)
DIFFS = [
    ("find_channel: dmaeng - bare per-CPU read, 1 CPU (ns)", "find.dmaeng.1cpu", "find.floor.1cpu"),
    ("find_channel: dmaengine - bare per-CPU read, 1 CPU (ns)", "find.dmaengine.1cpu", "find.floor.1cpu"),
] + [
    (f"64 B copy, {n} channel{'s' if n > 1 else ''}: {e} - raw engine (ns)",
     f"copy64.{e}.ch{n}", f"copy64.raw.ch{n}")
    for n in CHANS for e in ("dmaeng", "dmaengine")
]

# Overhead ratios: (dmaeng - floor) / (dmaengine - floor)
OVER = [
    (f"64 B copy overhead over the raw engine, {n} channel{'s' if n > 1 else ''}: dmaeng / dmaengine",
     f"copy64.dmaeng.ch{n}", f"copy64.dmaengine.ch{n}", f"copy64.raw.ch{n}")
    for n in CHANS
] + [
    ("find_channel overhead over a per-CPU read, 1 CPU: dmaeng / dmaengine",
     "find.dmaeng.1cpu", "find.dmaengine.1cpu", "find.floor.1cpu"),
]

RATIOS += [
    (f"64 B copy cost: raw engine / dmaengine, {n} channel{'s' if n > 1 else ''}",
     f"copy64.raw.ch{n}", f"copy64.dmaengine.ch{n}") for n in CHANS
] + [
    (f"throughput {s // 1024} KiB, 1 channel: raw engine / dmaengine",
     f"tput.raw.1ch.{s}", f"tput.dmaengine.1ch.{s}") for s in SIZES
]

# The targets, on the production kernel under -icount:
# (label, kind, args, bound, "le" or "ge")
TARGETS = [
    ("dmaeng_find_channel() / dma_find_channel(), 1 CPU", "ratio",
     ("find.dmaeng.1cpu", "find.dmaengine.1cpu"), 1.0, "le"),
    ("the same, both CPUs at once", "ratio",
     ("find.dmaeng.2cpu", "find.dmaengine.2cpu"), 1.0, "le"),
] + [
    (f"64 B copy cost, {n} channel{'s' if n > 1 else ''}: dmaeng / dmaengine", "ratio",
     (f"copy64.dmaeng.ch{n}", f"copy64.dmaengine.ch{n}"), 1.0, "le") for n in CHANS
] + [
    (f"throughput {s // 1024} KiB, {w}: dmaeng / dmaengine", "ratio",
     (f"tput.dmaeng.{k}.{s}", f"tput.dmaengine.{k}.{s}"), 1.0, "ge")
    for s in SIZES[:2] for k, w in (("1ch", "1 channel"), ("allch", "all channels"))
] + [
    (f"overhead per 64 B copy over the raw engine, {n} channel{'s' if n > 1 else ''}: dmaeng / dmaengine",
     "over", (f"copy64.dmaeng.ch{n}", f"copy64.dmaengine.ch{n}", f"copy64.raw.ch{n}"), 1.0, "le")
    for n in CHANS
] + [
    (f"net-copy {s // 1024} KiB reads: ioctl / recv()", "ratio",
     (f"netcopy.ioctl.{s}", f"netcopy.recv.{s}"), 0.8, "ge") for s in SIZES[1:]
]


def ratio(figs, num, den):
    if num in figs and den in figs and figs[den][0] > 0:
        return figs[num][0] / figs[den][0]
    return None


def diff(figs, a, b):
    if a in figs and b in figs:
        return figs[a][0] - figs[b][0]
    return None


def over(figs, a, b, floor):
    """(a - floor) / (b - floor); None where b is within noise of the
    floor (1% of it), where the ratio would mean nothing."""
    da, db = diff(figs, a, floor), diff(figs, b, floor)
    if da is None or db is None or db <= 0.01 * figs[floor][0]:
        return None
    return da / db


def targets(modes):
    """The targets on the first icount mode of the production kernel."""
    mode = next((m for m in modes if m.startswith("prod") and "icount" in m), None)
    if mode is None:
        return []
    figs = modes[mode]
    out = ["## Targets", "",
           f"On the production kernel under `-icount` (`{mode}`), dmaeng and "
           "dmaengine measured side by side in one boot.", "",
           "| target | figure | bound | met |", "| --- | ---: | ---: | --- |"]
    for label, kind, args, bound, how in TARGETS:
        if kind == "ratio":
            v = ratio(figs, *args)
            shown = fmt(v)
            ok = None if v is None else (v <= bound if how == "le" else v >= bound)
        else:
            # Judged on the two overheads themselves (ns over the floor):
            # their ratio is shown, and means nothing near the floor.
            da, db = diff(figs, args[0], args[2]), diff(figs, args[1], args[2])
            v = over(figs, *args)
            ok = None if da is None or db is None else da <= db
            shown = "-" if ok is None else (
                f"{fmt(v)} ({da:,.0f} / {db:,.0f} ns)" if v is not None
                else f"{da:,.0f} / {db:,.0f} ns")
        met = "no figure" if ok is None else "yes" if ok else "**no**"
        out.append(f"| {label} | {shown} | {'<=' if how == 'le' else '>='} "
                   f"{bound:.1f} | {met} |")
    return out + [""]


def table(modes):
    names = list(modes)
    keys = []
    for m in names:
        for k in modes[m]:
            if k not in keys and k != PROF:
                keys.append(k)
    out = ["# dmaeng benchmarks", "",
           "Every figure is the median of repeated runs in one guest boot "
           "per mode: `realtime` (QEMU TCG, wall-clock time) and `icount` "
           "(QEMU `-icount`: guest time follows the instruction count, so "
           "the same binary gives the same figure).  `prod`: the production "
           "benchmark kernel (tools/prod.config: PREEMPT_DYNAMIC, "
           "mitigations, no lockdep, dma-debug, kmemleak or fault "
           "injection); `debug`: the test kernel (lockdep, dma-debug, "
           "kmemleak, KASAN).  Compare ratios, not figures.  `raw` is the "
           "same software engine driven by plain function calls, no "
           "framework: the floor.", ""] + targets(modes) + [
           "## Ratios", "",
           "| ratio | " + " | ".join(names) + " |",
           "| --- | " + " | ".join("---:" for _ in names) + " |"]
    for label, num, den in RATIOS:
        vals = [fmt(ratio(modes[m], num, den)) for m in names]
        out.append(f"| {label} | " + " | ".join(vals) + " |")
    for label, a, b, floor in OVER:
        vals = [fmt(over(modes[m], a, b, floor)) for m in names]
        out.append(f"| {label} | " + " | ".join(vals) + " |")
    out += ["", "## Framework overhead over the floor", "",
            "| difference | " + " | ".join(names) + " |",
            "| --- | " + " | ".join("---:" for _ in names) + " |"]
    for label, a, b in DIFFS:
        vals = [fmt(diff(modes[m], a, b)) for m in names]
        out.append(f"| {label} | " + " | ".join(vals) + " |")
    out += [""] + where(modes) + ["## Figures", "",
           "| figure | unit | " + " | ".join(names) + " | what |",
           "| --- | --- | " + " | ".join("---:" for _ in names) + " | --- |"]
    for k in keys:
        unit = desc = ""
        vals = []
        for m in names:
            f = modes[m].get(k)
            if f:
                unit, desc = f[1], f[2]
            vals.append(fmt(f[0]) if f else "-")
        out.append(f"| `{k}` | {unit} | " + " | ".join(vals) + f" | {desc} |")
    return "\n".join(out) + "\n"


def plots(outdir, modes):
    """Two PNGs through gnuplot, of the icount modes (or every mode if
    none is); returns the names written."""
    shown = {m: f for m, f in modes.items() if "icount" in m} or modes
    dat = os.path.join(outdir, "plot.dat")
    engines = ("cpu", "raw.1ch", "dmaeng.1ch", "dmaengine.1ch")
    with open(dat, "w", encoding="utf-8") as f:
        for m, figs in shown.items():
            f.write(f'# mode {m}: size cpu raw dmaeng dmaengine\n')
            for s in SIZES:
                row = [figs.get(f"tput.{e}.{s}", (float("nan"),))[0]
                       for e in engines]
                f.write(f"{s // 1024} " + " ".join(f"{v}" for v in row) + "\n")
            f.write("\n\n")
        for m, figs in shown.items():
            f.write(f'# mode {m}: channels raw dmaeng dmaengine (ns per copy)\n')
            for n in CHANS:
                row = [figs.get(f"copy64.{e}.ch{n}", (float("nan"),))[0]
                       for e in ("raw", "dmaeng", "dmaengine")]
                f.write(f"{n} " + " ".join(f"{v}" for v in row) + "\n")
            f.write("\n\n")
    nm = len(shown)
    tput = []
    per = []
    # One colour per engine; the first mode solid, the others dashed.
    colours = {"cpu": "lc rgb '#333333'", "raw": "lc rgb '#27ae60'",
               "dmaeng": "lc rgb '#1f5fbf'", "dmaengine": "lc rgb '#c0392b'"}
    titles = {"cpu": "CPU memcpy", "raw": "raw engine (floor)",
              "dmaeng": "dmaeng", "dmaengine": "kernel dmaengine"}
    for i, m in enumerate(shown):
        style = f"with linespoints lw 2 pt {7 if i == 0 else 6}" + ("" if i == 0 else " dt 2")
        for col, e in enumerate(("cpu", "raw", "dmaeng", "dmaengine")):
            one = "" if e == "cpu" else ", 1 channel"
            tput.append(f"'{dat}' index {i} using 1:{col + 2} {style} "
                        f"{colours[e]} title '{titles[e]}{one} ({m})'")
        for col, e in enumerate(("raw", "dmaeng", "dmaengine")):
            per.append(f"'{dat}' index {nm + i} using 1:{col + 2} {style} "
                       f"{colours[e]} title '{titles[e]} ({m})'")
    script = f"""
set terminal pngcairo size 1000,620
set key bottom right
set grid
set logscale x 2
set logscale y 10
set output '{os.path.join(outdir, "throughput.png")}'
set title 'Copy throughput against copy size (same guest, same buffers)'
set xlabel 'copy size (KiB)'
set ylabel 'MiB/s'
plot {", ".join(tput)}
set output '{os.path.join(outdir, "percopy.png")}'
set key top right
set logscale y 10
set title '64-byte copy: cost per copy against channels used (one thread per channel)'
set xlabel 'channels'
set ylabel 'ns per copy (elapsed / copies)'
plot {", ".join(per)}
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write(f"bench-report: no plots: {e}\n")
        return []
    return ["throughput.png", "percopy.png"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    modes = {}
    for arg in sys.argv[2:]:
        mode, path = arg.split("=", 1)
        modes[mode] = read_figs(path) if os.path.exists(path) else {}
    text = table(modes)
    # The table first: a plot that cannot be drawn loses only itself.
    with open(os.path.join(outdir, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    pngs = plots(outdir, modes)
    if pngs:
        text += "\nPlots: " + ", ".join(f"`{os.path.join(outdir, p)}`" for p in pngs) + "\n"
        with open(os.path.join(outdir, "results.md"), "w", encoding="utf-8") as f:
            f.write(text)
    sys.stdout.write(text)
    empty = [m for m, figs in modes.items() if not set(figs) - {PROF}]
    if empty:
        sys.stderr.write(f"bench-report: no figure from {', '.join(empty)}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
