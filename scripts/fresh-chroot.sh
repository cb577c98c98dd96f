#!/bin/bash
# Prove the set-up on a fresh machine: a Debian 12 (bookworm) minbase chroot
# made with debootstrap, with nothing added but make; a clean copy of the
# checkout's HEAD (git archive: the committed fixtures included, nothing
# uncommitted); then, as root inside it, `make demo` and then `make check`,
# each on its first run.  Prints green/red, the duration and the last lines of
# each step, and the test counts.  Slow (debootstrap, the apt installs, two
# builds and the whole test suite); never run by CI.
#
#   sudo scripts/fresh-chroot.sh [DIR]
#
# DIR (default /var/tmp/pageowner-fresh-chroot) must be outside the checkout;
# an old chroot made by this script there is removed first.  Environment:
#   MIRROR, SECURITY_MIRROR  the Debian mirrors (default: the ones this
#                            machine's apt sources name, else deb.debian.org)
#   STEPS                    the make targets to run (default "demo check")
#   KEEP=1                   keep the chroot after a green run (a red run
#                            always keeps it, to look inside)
# Logs: DIR.logs/ (next to the chroot).  Exit status 0 if every step passed.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/var/tmp/pageowner-fresh-chroot}
STEPS=${STEPS:-demo check}
SUITE=bookworm
MARK=.pageowner-fresh-chroot

say() { echo "fresh-chroot: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "no debootstrap (apt-get install debootstrap)"
DIR=$(realpath -m "$DIR")
case "$DIR/" in "$TOP"/*) die "$DIR is inside the checkout";; esac
case "$DIR" in /|/var|/var/tmp|/tmp|/root|/home) die "refusing $DIR";; esac
LOGS=$DIR.logs

# The mirrors apt uses here: deb822 (URIs:/Suites:) and one-line sources.
mirror_for() { # SUITE: the first URI this machine's sources give for it
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case $f in
		*.sources)
			awk -v s="$1" '
				function out() { if (u != "" && deb && ok) { print u; exit } u = ""; deb = ok = 0 }
				/^[[:space:]]*$/ { out(); next }
				/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
				/^URIs:/ { u = $2 }
				/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
				END { out() }' "$f";;
		*)	sed -E 's/\[[^]]*\]//' "$f" | awk -v s="$1" '$1 == "deb" && $3 == s { print $2; exit }';;
		esac
	done | head -1
}
MIRROR=${MIRROR:-$(mirror_for $SUITE)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-$(mirror_for $SUITE-security)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# Mounts: /proc (ASan/LSan read /proc/self/maps, ps-like reads), /dev
# (/dev/null, /dev/urandom, mkfifo's neighbours), /dev/pts and /dev/shm.
MOUNTS=()
mounted_under() { awk -v d="$DIR" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts; }
unmount_all() {
	local m i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
	done
	MOUNTS=()
}
cleanup() {
	unmount_all
	[ -n "$(mounted_under)" ] && say "still mounted under $DIR: $(mounted_under | tr '\n' ' ')"
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM
mnt() { # mount ARGS... TARGET (the last argument)
	mount "$@" || die "mount $*"
	MOUNTS+=("${!#}")
}
remove_chroot() {
	[ -n "$(mounted_under)" ] && die "something is mounted under $DIR: not removing it"
	rm -rf --one-file-system "$DIR"
}

if [ -e "$DIR" ]; then
	[ -f "$DIR/$MARK" ] || die "$DIR exists and was not made by this script: give another DIR"
	say "removing the old chroot $DIR"
	remove_chroot
fi
rm -rf "$LOGS"; mkdir -p "$LOGS"
git -C "$TOP" diff --quiet HEAD 2>/dev/null || say "note: uncommitted changes in $TOP are not copied (HEAD is)"

now() { date +%s; }
dur() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }
declare -A RC DUR

# 1. debootstrap: minbase and make, nothing else.
say "debootstrap --variant=minbase --include=make $SUITE $DIR $MIRROR"
mkdir -p "$DIR"; touch "$DIR/$MARK"
t0=$(now)
nice -n 10 debootstrap --variant=minbase --include=make $SUITE "$DIR" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1
RC[debootstrap]=$?; DUR[debootstrap]=$(( $(now) - t0 ))
if [ "${RC[debootstrap]}" != 0 ]; then
	tail -20 "$LOGS/debootstrap.log" >&2
	die "debootstrap failed (status ${RC[debootstrap]}); chroot kept in $DIR"
fi
touch "$DIR/$MARK"
# A Debian 12 installation's apt sources: the release, its updates and
# security (linux-source-6.12 is in bookworm-security).
cat >"$DIR/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
[ -s "$DIR/etc/resolv.conf" ] || cp /etc/resolv.conf "$DIR/etc/resolv.conf"

# 2. the checkout's HEAD
mkdir -p "$DIR/root/pageowner"
git -C "$TOP" archive --format=tar HEAD | tar -x -C "$DIR/root/pageowner" ||
	die "git archive of $TOP"
head=$(git -C "$TOP" log -1 --format='%h %s' | cut -c1-72)

# 3. mounts, then each step inside, as root, with a fresh login's environment
mnt -t proc proc "$DIR/proc"
mnt --bind /dev "$DIR/dev"
mnt -t devpts -o newinstance,ptmxmode=0666 devpts "$DIR/dev/pts"
mnt -t tmpfs tmpfs "$DIR/dev/shm"
inside() {
	nice -n 10 chroot "$DIR" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "cd /root/pageowner && $1"
}
failed=0
for step in $STEPS; do
	say "make $step (log: $LOGS/make-$step.log)"
	t0=$(now)
	inside "make $step" </dev/null >"$LOGS/make-$step.log" 2>&1
	RC[$step]=$?; DUR[$step]=$(( $(now) - t0 ))
	[ "${RC[$step]}" = 0 ] || failed=1
done
unmount_all

# 4. the report
green() { [ "$1" = 0 ] && echo green || echo "red (status $1)"; }
echo
echo "== fresh Debian 12 minbase chroot: $DIR"
echo "   checkout: $head"
echo "   mirror: $MIRROR, $SECURITY_MIRROR"
echo "   debootstrap: $(green "${RC[debootstrap]}") in $(dur "${DUR[debootstrap]}")"
for step in $STEPS; do
	echo "   make $step: $(green "${RC[$step]}") in $(dur "${DUR[$step]}")"
done
for step in $STEPS; do
	echo
	echo "== make $step: last lines"
	tail -n 15 "$LOGS/make-$step.log" | sed 's/^/   | /'
	if grep -q '^[0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$LOGS/make-$step.log"; then
		echo "== make $step: test runs (normal build, then ASan+UBSan)"
		grep '^[0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$LOGS/make-$step.log" | sed 's/^/   /'
		grep -E '^(SKIP|FAIL) ' "$LOGS/make-$step.log" | sed 's/^/   /'
	fi
done
if [ $failed = 0 ] && [ "${KEEP:-0}" != 1 ]; then
	remove_chroot
	echo
	echo "green: the chroot is removed (KEEP=1 keeps it); logs in $LOGS"
else
	echo
	echo "chroot kept in $DIR (remove it with: rm -rf --one-file-system $DIR); logs in $LOGS"
fi
exit $failed
