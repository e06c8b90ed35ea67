#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py OUTDIR MODE=RESULTS...

The host side of `make bench`: reads the "fig KEY VALUE UNIT DESCRIPTION"
lines each guest boot reported (one file per run mode, e.g. realtime and
icount), and writes into OUTDIR:

  results.md      every figure in every mode, then the ratios
  throughput.png  MiB/s against copy size: CPU memcpy, dmaeng, dmaengine
  percopy.png     ns per 64-byte copy against the number of channels

Ratios are computed here, within one mode (one boot), never across boots.
Exits non-zero if a mode reported no figure.
"""

import os
import subprocess
import sys

SIZES = (4096, 65536, 1048576)
CHANS = (1, 2, 4, 8)


def read_figs(path):
    figs = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.strip().split(None, 4)
            if len(parts) < 4 or parts[0] != "fig":
                continue
            try:
                value = float(parts[2])
            except ValueError:
                continue
            figs[parts[1]] = (value, parts[3], parts[4] if len(parts) > 4 else "")
    return figs


def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
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
]


def ratio(figs, num, den):
    if num in figs and den in figs and figs[den][0] > 0:
        return figs[num][0] / figs[den][0]
    return None


def table(modes):
    names = list(modes)
    keys = []
    for m in names:
        for k in modes[m]:
            if k not in keys:
                keys.append(k)
    out = ["# dmaeng benchmarks", "",
           "Every figure is the median of repeated runs in one guest boot "
           "per mode: `realtime` (QEMU TCG, wall-clock time) and `icount` "
           "(QEMU `-icount`: guest time follows the instruction count, so "
           "the same binary gives the same figure).  Test kernel with "
           "lockdep, dma-debug and kmemleak.  Compare ratios, not figures.",
           "", "## Figures", "",
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
    out += ["", "## Ratios", "",
            "| ratio | " + " | ".join(names) + " |",
            "| --- | " + " | ".join("---:" for _ in names) + " |"]
    for label, num, den in RATIOS:
        vals = [fmt(ratio(modes[m], num, den)) for m in names]
        out.append(f"| {label} | " + " | ".join(vals) + " |")
    return "\n".join(out) + "\n"


def plots(outdir, modes):
    """Two PNGs through gnuplot; returns the names written."""
    dat = os.path.join(outdir, "plot.dat")
    with open(dat, "w", encoding="utf-8") as f:
        for m, figs in modes.items():
            f.write(f'# mode {m}: size cpu dmaeng dmaengine\n')
            for s in SIZES:
                row = [figs.get(f"tput.{e}.{s}", (float("nan"),))[0]
                       for e in ("cpu", "dmaeng.1ch", "dmaengine.1ch")]
                f.write(f"{s // 1024} " + " ".join(f"{v}" for v in row) + "\n")
            f.write("\n\n")
        for m, figs in modes.items():
            f.write(f'# mode {m}: channels dmaeng dmaengine (ns per copy)\n')
            for n in CHANS:
                row = [figs.get(f"copy64.{e}.ch{n}", (float("nan"),))[0]
                       for e in ("dmaeng", "dmaengine")]
                f.write(f"{n} " + " ".join(f"{v}" for v in row) + "\n")
            f.write("\n\n")
    nm = len(modes)
    tput = []
    per = []
    # One colour per engine; the first mode solid, the others dashed.
    cpu, eng, ker = "lc rgb '#333333'", "lc rgb '#1f5fbf'", "lc rgb '#c0392b'"
    for i, m in enumerate(modes):
        style = f"with linespoints lw 2 pt {7 if i == 0 else 6}" + ("" if i == 0 else " dt 2")
        tput += [f"'{dat}' index {i} using 1:2 {style} {cpu} title 'CPU memcpy ({m})'",
                 f"'{dat}' index {i} using 1:3 {style} {eng} title 'dmaeng, 1 channel ({m})'",
                 f"'{dat}' index {i} using 1:4 {style} {ker} title 'kernel dmaengine, 1 channel ({m})'"]
        per += [f"'{dat}' index {nm + i} using 1:2 {style} {eng} title 'dmaeng ({m})'",
                f"'{dat}' index {nm + i} using 1:3 {style} {ker} title 'kernel dmaengine ({m})'"]
    script = f"""
set terminal pngcairo size 900,560
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
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
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
    pngs = plots(outdir, modes)
    text += "\nPlots: " + ", ".join(f"`{os.path.join(outdir, p)}`" for p in pngs) + "\n"
    with open(os.path.join(outdir, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    empty = [m for m, figs in modes.items() if not figs]
    if empty:
        sys.stderr.write(f"bench-report: no figure from {', '.join(empty)}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
