# Sourced by the bench scripts: messages, the host tools they need, the
# clock, and the QEMU options every run shares.
# shellcheck shell=bash

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# ensure_tools: installs the Debian packages of the missing commands (only
# when missing): QEMU, gcc, binutils, cpio, gzip, coreutils, apt and dpkg.
ensure_tools() {
	local missing=() pair cmd pkg
	for pair in "${QEMU:-qemu-system-x86_64}:qemu-system-x86" gcc:gcc \
		ld:binutils readelf:binutils cpio:cpio gzip:gzip timeout:coreutils \
		apt-get:apt dpkg-deb:dpkg; do
		cmd=${pair%%:*} pkg=${pair#*:}
		command -v "$cmd" >/dev/null 2>&1 && continue
		case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] ||
		die "missing commands; as root run: apt-get install ${missing[*]}"
	say "installing ${missing[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

# now_us: the wall clock in microseconds.
now_us() {
	if [ -n "${EPOCHREALTIME-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo "$((10#$t))"
	else
		echo $(($(date +%s%N) / 1000))
	fi
}

# QEMU options shared by every run (the -M and -m are given per run).
# shellcheck disable=SC2034
qemu_common=(-display none -serial stdio -monitor none -no-reboot
	-device "isa-debug-exit,iobase=0xf4,iosize=4")

# first_line FILE: the first line of a QEMU output, shortened, for messages.
first_line() {
	local line
	line=$(tr -d '\r' <"$1" | grep -m 1 . || true)
	line=${line//|//}
	[ ${#line} -gt 60 ] && line="${line:0:60}..."
	echo "${line:-(nothing)}"
}

# host_line: "CPU model, N CPUs, kernel" for the reports.
host_line() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	echo "${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)"
}

# htux_line BUILDDIR: what htux.elf was measured, for the reports.
htux_line() {
	local b=$1 src
	if [ -f "$b/htux.elf" ]; then
		# An out-of-tree build names its source tree in its Makefile.
		src=$(sed -n 's/^abs_top_srcdir = //p' "$b/Makefile" 2>/dev/null)
		echo "$b/htux.elf, $(stat -c %s "$b/htux.elf") bytes, built $(
			date -u -r "$b/htux.elf" '+%Y-%m-%d %H:%M UTC')$(
			git -C "${src:-$b}" describe --always --dirty 2>/dev/null |
				sed 's/^/, tree /')"
	else
		echo "not built"
	fi
}

# bench/RESULTS.md holds bench/boot's report, then one section per other
# benchmark ("## Syscall costs" for bench/syscall), each running from its
# "## " heading to the end of the file or the next foreign heading listed in
# RESULTS_SECTIONS. Each script rewrites its own part and keeps the others.
RESULTS_SECTIONS=("## Syscall costs" "## Python startup" "## Disk" "## Network"
	"## Java startup" "## PostgreSQL (pgbench)" "## nginx" "## Syscall costs, old and new"
	"## SMP" "## Network, -smp 2"
	"## Fast system calls (--fast-syscalls), default against fast"
	"## Syscall costs, fast mode" "## Network, fast mode")

# results_section FILE HEADING: prints that section of FILE (or nothing).
results_section() {
	[ -f "$1" ] || return 0
	awk -v h="$2" -v list="$(printf '%s\n' "${RESULTS_SECTIONS[@]}")" '
		BEGIN { n = split(list, l, "\n"); for (i = 1; i <= n; i++) foreign[l[i]] = 1 }
		$0 == h { on = 1; print; next }
		on && ($0 in foreign) { on = 0 }
		on' "$1"
}

# results_without FILE HEADING...: prints FILE without those sections and
# without trailing blank lines.
results_without() {
	local f=$1
	shift
	[ -f "$f" ] || return 0
	awk -v drop="$(printf '%s\n' "$@")" -v list="$(printf '%s\n' "${RESULTS_SECTIONS[@]}")" '
		BEGIN {
			n = split(list, l, "\n"); for (i = 1; i <= n; i++) foreign[l[i]] = 1
			n = split(drop, d, "\n"); for (i = 1; i <= n; i++) gone[d[i]] = 1
		}
		$0 in foreign { skip = ($0 in gone) }
		!skip { buf = buf $0 "\n"; if ($0 != "") { printf "%s", buf; buf = "" } }' "$f"
}
