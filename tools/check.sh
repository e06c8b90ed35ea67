#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh check|selftest|soak|demo|shell|bench
#
# The one entry point behind `make check`, `make check-selftest`,
# `make soak`, `make demo`, `make shell` and `make bench`.  Installs what is missing, builds (or reuses) the test
# kernel, builds the modules, boots the guest and judges the run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=${1:-check}
out=build/$mode
kobj=build/kernel/obj
t0=$(date +%s)

step() { echo "== [$(( $(date +%s) - t0 ))s] $*"; }

step "dependencies"
# shellcheck disable=SC2046
tools/deps.sh $([ "$mode" = bench ] && echo gnuplot-nox) \
	$([ "$mode" = check ] && echo linux-headers-rt-amd64 clang lld llvm coccinelle)
step "test kernel (build/kernel/obj: lockdep, KASAN, UBSAN, debug objects, hang detectors)"
tools/kernel.sh test >/dev/null
# The KCSAN kernel (it cannot be combined with KASAN): make check runs the
# KUnit suites and the short soak on it, check-selftest its planted race.
kcsan=0
case $mode in check|selftest) kcsan=1 ;; esac
if [ $kcsan = 1 ]; then
	step "KCSAN kernel with PREEMPT_RT (build/kernel/obj-kcsan)"
	tools/kernel.sh kcsan >/dev/null
fi
# make check also builds the 6.12 source with clang (LLVM=1), as the
# distributions that build their kernels with clang do, and boots Debian's
# own stock and real-time kernels.
if [ "$mode" = check ]; then
	step "clang-built kernel (build/kernel/obj-llvm, LLVM=1)"
	tools/kernel.sh llvm >/dev/null
fi
# make bench runs every benchmark on a production-config kernel too.
if [ "$mode" = bench ]; then
	step "production benchmark kernel (build/kernel/obj-prod: PREEMPT_DYNAMIC, no debug options)"
	tools/kernel.sh prod >/dev/null
fi

mkdir -p "$out"
: > "$out/host.ktap"
hn=0
host_check() {	# host_check ok|"not ok" DESC
	hn=$((hn + 1))
	echo "    $1 $hn $2" >> "$out/host.ktap"
	echo "[host] $1 - $2"
}

# build_mods VAR KDIR OUTDIR DESC MAKE-ARGS...: build the modules, record
# the host check DESC, and set VAR to the .ko files built (after a failed
# build, those an earlier one left, so that the guest still boots; the run
# has failed anyway).
build_mods() {
	local var=$1 kdir=$2 dir=$3 desc=$4 list
	shift 4
	if list=$(tools/modules.sh "$kdir" "$dir" "$@"); then
		host_check ok "$desc"
	else
		host_check "not ok" "$desc"
		list=$(sed -e 's/\.o$/.ko/' -e "s|^\([^/]\)|$dir/src/\1|" \
			"$dir/src/modules.order" 2>/dev/null || true)
	fi
	printf -v "$var" '%s' "$list"
}

step "modules against the test kernel, sparse (C=2) and W=1"
# The self-test's broken modules get a build of their own.
mbuild=build/m-test
# tools/bench/ is built for check too: dmaeng_kadapter is the kernel
# dmaengine driver the reverse bridge (85-bridge-rev) runs on.
extra=(DMAENG_BENCH=m)
[ "$mode" = selftest ] && { mbuild=build/m-selftest; extra=(DMAENG_SELFTEST=m); }
[ "$mode" = bench ] && { mbuild=build/m-bench; extra=(DMAENG_BENCH=m); }
build_mods kos "$kobj" "$mbuild" \
	"modules build against the test kernel with C=2 W=1, no warning" \
	C=2 W=1 "${extra[@]}"
# The kernel's own dmatest, the independent judge of the dmaengine bridge.
kos="$kos
$kobj/drivers/dma/dmatest.ko"
echo "$kos" | sed 's|.*/|   |'
if [ "$mode" = selftest ]; then
	# The planted KUnit module that cannot load: a truncated copy.
	noload=$mbuild/dmaeng_selftest_noload_kunit.ko
	head -c 4096 "$mbuild/src/tools/selftest/dmaeng_selftest_kunit.ko" > "$noload"
	kos="$kos
$noload"
fi

if [ "$mode" = check ]; then
	# Debian's kernels, the headers users build against and the image
	# those headers are for (tools/distro-kernel.sh: fetched, unpacked,
	# never installed).  stock: linux-headers-amd64; rt: PREEMPT_RT.
	declare -A dimg dkos dhdr
	for fl in stock rt; do
		hdr=$(tools/distro-kernel.sh --headers $fl || true)
		dhdr[$fl]=$hdr
		step "modules against Debian's $fl headers (${hdr##*/})"
		build_mods "dkos[$fl]" "${hdr:-/nonexistent}" build/m-$fl \
			"modules build against ${hdr##*/} with W=1, no warning" W=1
		if img=$(tools/distro-kernel.sh $fl | cut -d' ' -f1) && [ -f "$img" ]; then
			dimg[$fl]=$img
			host_check ok "Debian's $fl kernel image ${img##*/} (apt-get download, dpkg-deb -x)"
		else
			host_check "not ok" "Debian's $fl kernel image for ${hdr##*/} (apt-get download, dpkg-deb -x)"
		fi
	done
	stock=${dhdr[stock]}

	step "packaging against ${stock##*/}: modinfo, make install/uninstall, DKMS"
	for p in modinfo install dkms; do
		desc=$(case $p in
			modinfo) echo "modinfo: every module and parameter described, license, author" ;;
			install) echo "make install / make uninstall (INSTALL_MOD_PATH), depmod" ;;
			dkms) echo "dkms add, build, install and remove for ${stock##*/}" ;;
		       esac)
		if tools/packaging.sh $p "$stock" > "build/packaging-$p.log" 2>&1; then
			host_check ok "$desc"
		else
			tail -n 20 "build/packaging-$p.log"
			host_check "not ok" "$desc"
		fi
	done
fi

if [ "$mode" = check ]; then
	step "in-tree build: this tree as drivers/dmaeng, W=1"
	if tools/intree.sh >/dev/null; then
		host_check ok "builds in-tree as drivers/dmaeng with its Kconfig, W=1, no warning"
	else
		host_check "not ok" "builds in-tree as drivers/dmaeng with its Kconfig, W=1, no warning"
	fi

	step "clang: modules (LLVM=1 W=1) and the in-tree build against build/kernel/obj-llvm"
	# The modules' .comment proves which compiler built them.
	if tools/modules.sh build/kernel/obj-llvm build/m-llvm LLVM=1 W=1 \
		DMAENG_BENCH=m >/dev/null &&
	   readelf -p .comment build/m-llvm/src/dmaeng_core.ko | grep -q clang; then
		host_check ok "modules build with LLVM=1 (clang) and W=1, no warning"
	else
		host_check "not ok" "modules build with LLVM=1 (clang) and W=1, no warning"
	fi
	if tools/intree.sh build/kernel/obj-llvm LLVM=1 >/dev/null &&
	   readelf -p .comment build/intree-llvm/obj/drivers/dmaeng/dmaengine_core.o |
		grep -q clang; then
		host_check ok "builds in-tree with LLVM=1 (clang), W=1, no warning"
	else
		host_check "not ok" "builds in-tree with LLVM=1 (clang), W=1, no warning"
	fi

	step "coccicheck MODE=report: the 6.12 tree's semantic patches (build/cocci)"
	if n=$(tools/coccicheck.sh) && [ "$n" -gt 0 ]; then
		host_check ok "make coccicheck MODE=report M=...: all $n semantic patches, every file parsed, no report"
	else
		host_check "not ok" "make coccicheck MODE=report M=...: no report"
	fi

	step "make docs (Sphinx, warnings as errors)"
	if tools/docs.sh > build/docs.log 2>&1; then
		host_check ok "make docs: Sphinx with the kernel-doc API pages, no warning"
	else
		tail -n 20 build/docs.log
		host_check "not ok" "make docs: Sphinx with the kernel-doc API pages, no warning"
	fi

	step "checkpatch --strict and kernel-doc on every source and header"
	srcs=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -path ./build -prune -o -name '*.[ch]' -print)
	ksrc=build/kernel/src
	# Ignored, as not applicable out of tree:
	#  LINUX_VERSION_CODE: the same source builds against 6.1 and 6.12
	#  headers, so a few API changes need a version test (in netcopy_main.c).
	# Judged by its findings, not its exit status (under pipefail a
	# grep after a failing checkpatch would hide them).
	# shellcheck disable=SC2086
	out_cp=$(perl $ksrc/scripts/checkpatch.pl --strict --no-tree --terse \
			--show-types --ignore LINUX_VERSION_CODE -f $srcs 2>&1 |
		 grep -E 'ERROR|WARNING|CHECK' || true)
	if [ -n "$out_cp" ]; then
		echo "$out_cp"
		host_check "not ok" "checkpatch --strict: no error, warning or check"
	else
		host_check ok "checkpatch --strict: no error, warning or check"
	fi
	# shellcheck disable=SC2086
	if out_kd=$(perl $ksrc/scripts/kernel-doc -none -Wall $srcs 2>&1) && [ -z "$out_kd" ]; then
		host_check ok "kernel-doc -Wall: no warning"
	else
		echo "$out_kd"
		host_check "not ok" "kernel-doc -Wall: no warning"
	fi
fi

if [ "$mode" = bench ]; then
	step "modules against the production kernel, W=1"
	build_mods pkos build/kernel/obj-prod build/m-bench-prod \
		"modules build against the production kernel with W=1, no warning" \
		W=1 DMAENG_BENCH=m
fi
if [ $kcsan = 1 ]; then
	step "modules against the KCSAN kernel, W=1"
	build_mods kkos build/kernel/obj-kcsan "${mbuild}-kcsan" \
		"modules build against the KCSAN kernel with W=1, no warning" \
		W=1 "${extra[@]}"
	kkos="$kkos
build/kernel/obj-kcsan/drivers/dma/dmatest.ko"
fi

step "guest programs (tools/netcopy, static)"
mkdir -p build/guest-bin
for prog in netcopy nchostile; do
	if gcc -static -O2 -Wall -Wextra -Werror -Iinclude -o build/guest-bin/$prog \
		tools/netcopy/$prog.c -lpthread; then
		host_check ok "tools/netcopy/$prog builds with -Wall -Wextra -Werror"
	else
		host_check "not ok" "tools/netcopy/$prog builds with -Wall -Wextra -Werror"
	fi
done
if tools/guest-pkgs.sh build/guest-bin; then
	host_check ok "trinity and apparmor_parser for the guest (apt-get download)"
else
	host_check "not ok" "trinity and apparmor_parser for the guest (apt-get download)"
fi

step "initramfs"
# shellcheck disable=SC2086
tools/initramfs.sh "$out/initramfs.cpio.gz" $kos
# shellcheck disable=SC2086
[ $kcsan = 1 ] && tools/initramfs.sh "$out/initramfs-kcsan.cpio.gz" $kkos
# shellcheck disable=SC2086
[ "$mode" = bench ] && tools/initramfs.sh "$out/initramfs-prod.cpio.gz" $pkos
if [ "$mode" = check ]; then
	for fl in stock rt; do
		# shellcheck disable=SC2086
		tools/initramfs.sh "$out/initramfs-$fl.cpio.gz" ${dkos[$fl]}
	done
fi

case $mode in
shell)
	exec tools/run-guest.sh -i -p shell -o "$out" "$out/initramfs.cpio.gz" ;;
demo)
	# Two edu devices for dmaeng_edu's part, on the machine of
	# tools/guest/scenarios/70-edu.sh (swiotlb below the 28-bit mask).
	tools/run-guest.sh -v -t 600 -a quiet -p demo \
		-q "$(sed -n 's/^# qemu: //p' tools/guest/scenarios/70-edu.sh)" \
		-o "$out" "$out/initramfs.cpio.gz"
	exit 0 ;;
bench)
	# The same benchmarks on the production kernel and on the debug test
	# kernel, each twice: under -icount, where guest time follows the
	# instruction count (sleep=off: idle time is skipped), so that the
	# same binary gives the same figures, then in real time.  Ratios are
	# taken within one boot, never across boots.
	# Benchmarks of stale modules would mislead: a failed build stops here.
	if grep -q '^    not ok' "$out/host.ktap"; then
		grep '^    not ok' "$out/host.ktap"
		exit 1
	fi
	modes=()
	for k in prod debug; do
		kdir=build/kernel/obj-prod
		ird="$out/initramfs-prod.cpio.gz"
		[ $k = debug ] && { kdir=$kobj; ird="$out/initramfs.cpio.gz"; }
		for m in icount realtime; do
			q=
			[ $m = icount ] && q="-icount shift=0,sleep=off"
			step "guest boot: benchmarks, $k kernel, $m"
			b0=$SECONDS
			tools/run-guest.sh -v -t 2400 -k "$kdir" -a quiet -p bench \
				-q "$q" -o "$out/$k-$m" "$ird"
			echo "$k-$m: $(grep -c '^fig ' "$out/$k-$m/results.ktap" || true) figures in $((SECONDS - b0))s"
			modes+=("$k-$m=$out/$k-$m/results.ktap")
		done
	done
	step "benchmark table ($out/results.md) and plots"
	exec python3 tools/bench-report.py "$out" "${modes[@]}" ;;
esac

# One boot per distinct pair of "# boot: ARGS" (kernel arguments) and
# "# qemu: ARGS" (QEMU options: machine, devices) lines among the
# scenarios; the first, "default" (neither), also runs the KUnit modules.
# A group's key is "KERNEL-ARGS|QEMU-ARGS".
declare -A group=([default]=)
for f in tools/guest/scenarios/*.sh; do
	[ "$mode" = check ] || break
	args=$(sed -n 's/^# boot: //p' "$f" | head -n 1)
	q=$(sed -n 's/^# qemu: //p' "$f" | head -n 1)
	args=${args:-default}
	[ -n "$q" ] && args="$args|$q"
	group[$args]=${group[$args]:+${group[$args]},}$(basename "$f" .sh)
done
mapfile -t boot_args < <(echo default; printf '%s\n' "${!group[@]}" | grep -vx default | sort)
# make soak: one boot, the soak alone, SOAK_ROUNDS rounds (default 1000).
kunit=1
limit=1500
if [ "$mode" = soak ]; then
	boot_args=("default dmaeng.soak_rounds=${SOAK_ROUNDS:-1000}")
	group=(["${boot_args[0]}"]=60-soak)
	kunit=0
	limit=${SOAK_TIMEOUT:-7200}
fi
# Every boot has a label, KERNEL:N, by which tools/plan.manifest pins what
# it must report; $out/boots.list maps labels to boot directories.  What
# the boots of an earlier run left is gone first (console.log and
# results.ktap are appended to, boot by boot).
rm -rf "$out"/boot[0-9]* "$out/console.log" "$out/results.ktap" "$out/qemu.rc"
: > "$out/boots.list"
n=0
# The capabilities each kernel has (dmaeng.caps=, tools/guest/lib.sh): the
# checks that need one a kernel lacks are reported as skipped there, and
# the guest proves the declaration against the kernel it booted.
caps_of() {
	case $1 in
	test:*)		echo kunit,dmadebug,kmemleak,failslab ;;
	kcsan:*)	echo kunit,dmadebug,kmemleak,failslab,rt ;;
	rt:*)		echo rt ;;
	*)		echo ;;
	esac
}
boot() {	# boot LABEL KERNEL-OBJDIR|IMAGE INITRAMFS KUNIT SCENARIOS EXTRA-ARGS [QEMU-ARGS]
	n=$((n + 1))
	step "guest boot $n ($1): plan $mode, scenarios ${5:-none}${6:+ ($6)}${7:+ [qemu: $7]}"
	local b0=$SECONDS
	tools/run-guest.sh -t "$limit" -k "$2" -p "$mode" -o "$out/boot$n" \
		-a "dmaeng.boot=$n dmaeng.kunit=$4 dmaeng.scenarios=$5 dmaeng.caps=$(caps_of "$1") $6" \
		-q "${7:-}" "$3"
	cat "$out/boot$n/console.log" >> "$out/console.log"
	cat "$out/boot$n/results.ktap" >> "$out/results.ktap"
	rc=$(cat "$out/boot$n/qemu.rc")
	[ "$rc" = 0 ] || echo "$rc" > "$out/qemu.rc"
	echo "$1 boot$n" >> "$out/boots.list"
	echo "   boot $n ($1): $((SECONDS - b0))s"
}
i=0
for args in "${boot_args[@]}"; do
	[ "$mode" = selftest ] && break
	i=$((i + 1))
	boot "test:$i" build/kernel/obj "$out/initramfs.cpio.gz" \
		"$([ $i = 1 ] && echo $kunit || echo 0)" "${group[$args]}" \
		"$(a=${args%%|*}; echo "${a#default}")" \
		"$(case $args in *"|"*) echo "${args#*|}" ;; esac)"
done
# make check-selftest: the planted failures, each kernel its own.
if [ "$mode" = selftest ]; then
	boot test:1 build/kernel/obj "$out/initramfs.cpio.gz" 1 "" \
		dmaeng.selftest=test
	boot kcsan:1 build/kernel/obj-kcsan "$out/initramfs-kcsan.cpio.gz" 0 \
		"" dmaeng.selftest=kcsan
fi
# The KCSAN kernel: every KUnit suite, the short soak and both bridges to
# dmaengine; then the edu PCI provider (interrupt handler, watchdog,
# hot-unplug, dmatest) on its machine.
if [ "$mode" = check ]; then
	boot kcsan:1 build/kernel/obj-kcsan "$out/initramfs-kcsan.cpio.gz" 1 \
		60-soak,80-bridge,85-bridge-rev ""
	boot kcsan:2 build/kernel/obj-kcsan "$out/initramfs-kcsan.cpio.gz" 0 \
		70-edu "" "$(sed -n 's/^# qemu: //p' tools/guest/scenarios/70-edu.sh)"
	# Debian's own kernels, with the modules built against their headers:
	# the end-to-end scenarios that run on a kernel without debug
	# features (the checks that need one are skipped by capability):
	# pinning and in_use in both load orders, hot-unplug by sysfs unbind,
	# verified copies, the transfer types, the net-copy streams and
	# disable_dma, the bad-input table.
	distro_scen=10-refcount,15-lifetime,20-memcpy,25-throughput,35-xfer,40-netcopy,50-badinput
	for fl in stock rt; do
		# Without its image the boot's suites are missing: the manifest fails.
		if [ -n "${dimg[$fl]:-}" ]; then
			boot "$fl:1" "${dimg[$fl]}" "$out/initramfs-$fl.cpio.gz" 0 \
				"$distro_scen" ""
		fi
	done
fi
echo "$n" > "$out/boots"
step "results (kunit.py parse)"
rc=0
manifest=
[ "$mode" = check ] && manifest=tools/plan.manifest
tools/report.sh "$out" $manifest > "$out/report.txt" || rc=$?
echo "elapsed: $(( $(date +%s) - t0 ))s; console: $out/console.log"

if [ "$mode" = selftest ]; then
	exec tools/selftest-judge.sh "$out" "$rc"
fi
cat "$out/report.txt"
exit $rc
