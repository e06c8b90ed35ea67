#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh [-t SECONDS] [-k KERNEL-OBJDIR|IMAGE] [-a "CMDLINE ARGS"]
#              [-q "QEMU ARGS"] [-i|-v] -p PLAN -o OUTDIR INITRAMFS
#
# Boot a cached test kernel (default build/kernel/obj, the sanitizer test
# kernel; -k build/kernel/obj-kcsan for the KCSAN one, or a kernel image
# such as Debian's from tools/distro-kernel.sh) under QEMU TCG
# (never KVM here) with two vCPUs and the given initramfs.  The guest's
# /init runs PLAN.  OUTDIR gets console.log (ttyS0, the whole console),
# results.raw (ttyS1, what the guest streamed) and results.ktap (its suites,
# tools/ktap.py assemble).  The guest's ttyS2 reaches tools/guest/hostctl.py,
# which does what the guest asks through QEMU's monitor (QMP): device_del
# and device_add for hot-unplug tests (its log: hostctl.log).  QEMU's own
# complaints about the guest (-d guest_errors) go to qemu-guest-errors.log.  -v also shows the console live; -i gives an
# interactive console instead.  -q adds QEMU options (make bench: -icount).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
timeout=900
append=
interactive=0
verbose=0
plan=
out=
qextra=
kobj=$top/build/kernel/obj
while getopts "t:k:a:q:ivp:o:" opt; do
	case $opt in
	t) timeout=$OPTARG ;;
	k) kobj=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	a) append=$OPTARG ;;
	q) qextra=$OPTARG ;;
	i) interactive=1 ;;
	v) verbose=1 ;;
	p) plan=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
initramfs=$1
kernel=$kobj/arch/x86/boot/bzImage
# -k also takes a kernel image itself (Debian's, tools/distro-kernel.sh).
[ -f "$kobj" ] && kernel=$kobj
[ -n "$plan" ] && [ -n "$out" ] && [ -f "$initramfs" ] && [ -f "$kernel" ] || {
	echo "usage: run-guest.sh [-t S] [-a ARGS] [-q QEMU-ARGS] [-i|-v] -p PLAN -o OUTDIR INITRAMFS" >&2
	exit 2
}
mkdir -p "$out"

cmdline="console=ttyS0 loglevel=6 panic=-1 panic_on_warn=0 dmaeng.plan=$plan $append"
# Two NUMA nodes, one vCPU and 512 MiB each, in separate sockets so that no
# cache is shared across nodes (the kernel warns about that topology).
numa=(-object memory-backend-ram,id=mem0,size=512M
      -object memory-backend-ram,id=mem1,size=512M
      -numa node,nodeid=0,cpus=0,memdev=mem0
      -numa node,nodeid=1,cpus=1,memdev=mem1)
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2,sockets=2,cores=1,threads=1 -m 1G "${numa[@]}" -no-reboot
      -kernel "$kernel" -initrd "$initramfs" -append "$cmdline")
# shellcheck disable=SC2206
[ -n "$qextra" ] && qemu+=($qextra)

if [ $interactive = 1 ]; then
	exec "${qemu[@]}" -nographic -serial mon:stdio -serial null
fi

rm -f "$out/console.log" "$out/results.raw" "$out/qmp.sock" "$out/ctl.sock" \
	"$out/qemu-guest-errors.log"
echo "guest: booting plan '$plan' (timeout ${timeout}s, console: $out/console.log)" >&2
python3 "$top/tools/guest/hostctl.py" "$out/qmp.sock" "$out/ctl.sock" \
	> "$out/hostctl.log" 2>&1 &
hostctl=$!
set +e
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
	-serial stdio -serial "file:$out/results.raw" \
	-chardev "socket,id=hostctl,path=$out/ctl.sock,server=on,wait=off" \
	-serial chardev:hostctl -qmp "unix:$out/qmp.sock,server=on,wait=off" \
	-d guest_errors -D "$out/qemu-guest-errors.log" </dev/null |
	tr -d '\r' | if [ $verbose = 1 ]; then tee "$out/console.log"; else
	cat > "$out/console.log"; fi
rc=${PIPESTATUS[0]}
kill $hostctl 2>/dev/null
wait $hostctl 2>/dev/null
set -e
touch "$out/qemu-guest-errors.log"
python3 "$top/tools/ktap.py" assemble "$out/results.raw" > "$out/results.ktap"
case $rc in
0) ;;
124|137) echo "guest: timed out after ${timeout}s" >&2 ;;
*) echo "guest: qemu exited with $rc" >&2 ;;
esac
echo $rc > "$out/qemu.rc"
exit 0
