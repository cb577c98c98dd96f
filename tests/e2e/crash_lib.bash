# Shared by tests/e2e/crash_*.sh (sourced after tests/lib.sh): run Debian's
# crash(8) non-interactively with the pageowner.so extension and compare what
# it prints with what the pageowner command line prints for the same dump.
#
# Two crash builds are tried: the system's crash (bookworm: 8.0.2, which
# opens 6.1 dumps given --kaslr but stops on 6.12 with "invalid structure
# member offset: kmem_cache_s_num"), and crash 9 where scripts/build-crash9.sh
# leaves it ($CRASH9_DIR/crash), with the extension built against its defs.h.

CRASH8=${CRASH:-$(command -v crash || true)}
CRASH9_DIR=${CRASH9_DIR:-/var/cache/pageowner/crash9/src}
CRASH9=$CRASH9_DIR/crash
EXT8=$TOP/plugins/crash/pageowner.so
EXT9=$TOP/plugins/crash/pageowner-crash9.so
CRASH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/po-crash.XXXXXX")
trap 'rm -rf "$CRASH_TMP"' EXIT

# The extension is always built from the normal (non-sanitizer) library:
# crash is not an ASan program, so an instrumented .so could not load.
crash_build_ext() {
	make -s -C "$TOP/plugins/crash" >"$CRASH_TMP/make.log" 2>&1 ||
		{ cat "$CRASH_TMP/make.log"; fail "building plugins/crash/pageowner.so"; }
}

crash_build_ext9() {
	make -s -C "$TOP/plugins/crash" crash9 >"$CRASH_TMP/make9.log" 2>&1 ||
		{ cat "$CRASH_TMP/make9.log"; fail "building plugins/crash/pageowner-crash9.so against $CRASH9_DIR/defs.h"; }
}

# The available crash builds, one "NAME BINARY EXTENSION" per line.
crash_builds() {
	if [ -n "$CRASH8" ] && [ -x "$CRASH8" ]; then
		crash_build_ext
		echo "crash-$("$CRASH8" --version 2>/dev/null | awk '/^crash /{print $2; exit}') $CRASH8 $EXT8"
	fi
	if [ -x "$CRASH9" ] && [ -f "$CRASH9_DIR/defs.h" ]; then
		crash_build_ext9
		echo "crash-$("$CRASH9" --version 2>/dev/null | awk '/^crash /{print $2; exit}') $CRASH9 $EXT9"
	fi
}

# The KASLR offset of a scenario's dump (hex without 0x), from its meta.
crash_kaslr() {
	local m
	for m in "$FX/$1/$2/meta" "$FX/$1/meta"; do
		if [ -f "$m" ] && grep -q '^KERNELOFFSET=' "$m"; then
			sed -n 's/^KERNELOFFSET=//p' "$m" | head -1
			return 0
		fi
	done
	# else ask the CLI
	"$PO" info "$3" "$4" 2>/dev/null | sed -n 's/^KASLR offset: *0x//p'
}

# crash_run BIN EXT VMLINUX DUMP KASLR CMDS OUT: run the crash commands of
# file CMDS (after `extend EXT`) and write crash's whole output to OUT.
# KASLR is the offset in hex, or "auto" (no --kaslr: crash finds it).
# Returns 0 if crash opened the dump and loaded the extension, 2 if crash
# could not open the dump (the reason is in OUT), 1 otherwise.
crash_run() {
	local bin=$1 ext=$2 vml=$3 dump=$4 kaslr=$5 cmds=$6 out=$7 in=$CRASH_TMP/in.$$ rc
	{
		echo "set scroll off"
		echo "extend $ext"
		cat "$cmds"
		echo "q"
	} >"$in"
	local -a ka=(--kaslr "0x$kaslr")
	[ "$kaslr" = auto ] && ka=() # crash finds it (VMCOREINFO of a kdump file)
	timeout 600 "$bin" -s "${ka[@]}" "$vml" "$dump" -i "$in" \
		</dev/null >"$out" 2>&1
	rc=$?
	if grep -q "shared object loaded" "$out"; then
		[ $rc = 0 ] || { note "crash exited with status $rc"; return 1; }
		return 0
	fi
	grep -q "^$(basename "$ext"): " "$out" && return 1 # extension failed to load
	return 2
}

# Why crash could not open a dump: its first "crash: " line.
crash_reason() {
	local r
	r=$(grep -m1 -A1 -E '^crash[^ ]*: ' "$1" | tr -s ' \n' ' ' | sed 's/ *$//')
	[ -n "$r" ] || r=$(grep -v '^[[:space:]]*$' "$1" | tail -1)
	echo "${r:-crash printed nothing}"
}

# Compare two files; on a difference show the first lines of it and fail.
crash_same() {
	local what=$1 cli=$2 cr=$3
	if ! cmp -s "$cli" "$cr"; then
		diff "$cli" "$cr" | head -20
		fail "$what: crash extension output differs from the CLI's ($(wc -l <"$cli") vs $(wc -l <"$cr") lines)"
	fi
	[ -s "$cli" ] || fail "$what: empty output"
}

# The dump format names differ (the extension reads through crash, not a
# dump file), and so does how the vmlinux was found (crash's namelist, not
# an argument): drop them before comparing memcg and info.
crash_norm_format() {
	sed -E -e '1s/^(Memory cgroups of [^ ]+) \(.*\)(: [0-9]+ memcgs)/\1\2/' \
	       -e 's/"dump_format":"[^"]*",?//' -e '/^dump format: /d' \
	       -e 's/"debuginfo":\{[^}]*\},?//' -e '/^types and symbols: /d' "$1"
}

# crash_compare VER [MIN_MAJOR]: for every crash build (of major version
# MIN_MAJOR or newer) that opens VER's dumps, every
# `pageowner` subcommand inside crash must print exactly what the CLI prints
# (churn ELF dump: all subcommands; churn -d 31 dump without --kaslr, and
# oom dump: pages, stacks, top).  Skips (77) with the reasons when no crash build opens VER's dumps.
crash_compare() {
	local ver=$1 min_major=${2:-0} vml elf kaslr ref cli cr line name args n opened=0 pfns
	local -a reasons=() cmds=()
	[ -f "$FX/$ver/vmlinux.zst" ] || skip "no $ver fixtures (tests/fixtures/$ver)"
	[ -x "$CRASH8" ] || [ -x "$CRASH9" ] ||
		skip "crash is not installed (Debian package crash; crash 9: scripts/build-crash9.sh)"
	vml=$(fx_vmlinux "$ver")
	elf=$(fx_dump "$ver" churn elf) || skip "no $ver churn ELF dump"
	kaslr=$(crash_kaslr "$ver" churn "$elf" "$vml")
	[ -n "$kaslr" ] || fail "no KERNELOFFSET for $ver"
	crash_builds >"$CRASH_TMP/builds" || { cat "$CRASH_TMP/builds"; exit 1; }
	[ -s "$CRASH_TMP/builds" ] || skip "no usable crash build"

	# The CLI's outputs, and PFNs taken from them.
	ref=$CRASH_TMP/ref; mkdir -p "$ref"
	"$PO" pages "$elf" "$vml" >"$ref/pages.txt" || fail "CLI pages"
	pfns=$(grep '^PFN ' "$ref/pages.txt" | awk '{print $2}')
	n=$(echo "$pfns" | wc -l)
	[ "$n" -gt 1000 ] || fail "only $n records from the CLI"
	local first mid last big tail phys spage
	first=$(echo "$pfns" | head -1)
	mid=$(echo "$pfns" | sed -n "$((n / 2))p")
	last=$(echo "$pfns" | tail -1)
	big=$(awk '/^Page allocated via order [1-9]/{getline; print $2; exit}' "$ref/pages.txt")
	[ -n "$big" ] || fail "no record of order > 0 in $ver pages"
	tail=$(printf '%d' "$(( big + 1 ))")
	phys=$(printf '%x' "$(( mid * 4096 + 123 ))")
	spage=$(sed -n 's/^PFN [^ ]* struct page 0x\([0-9a-f]*\) .*/\1/p' \
		<("$PO" page "$last" "$elf" "$vml") | head -1)
	[ -n "$spage" ] || fail "no struct page address from the CLI's page $last"
	# name|crash arguments|CLI arguments (empty = the same)
	cmds=(
		"pages|pages|"
		"pages_json|pages --json|"
		"pages_freed|pages --freed|"
		"pages_mode|pages --mode stack_handle --nid 0|"
		"stacks|stacks|"
		"stacks_json|stacks --json|"
		"stacks_t|stacks -t 64 --handles|stacks --threshold 64 --handles"
		"stacks_folded|stacks --folded --root memcg|"
		"top|top|"
		"top_json|top -n 3 --json|"
		"memcg|memcg|"
		"memcg_json|memcg --dying --json|"
		"info_json|info --json|"
		"page_first|page $first|"
		"page_mid|page $mid --json|page --json $mid"
		"page_big|page $big|"
		"page_tail|page $tail|"
		"page_phys|page -p $phys|page --phys 0x$phys"
		"page_struct|page -P $spage|page --page 0x$spage"
		"page_bad|page 99999999999|"
	)
	: >"$CRASH_TMP/cmds"
	for line in "${cmds[@]}"; do
		IFS='|' read -r name args cli <<<"$line"
		[ -n "$cli" ] || cli=$args
		# shellcheck disable=SC2086
		"$PO" $cli "$elf" "$vml" >"$ref/$name.txt" 2>"$ref/$name.err"
		[ "$name" = page_bad ] && mv "$ref/$name.err" "$ref/$name.txt"
		echo "pageowner $args > @OUT@/$name.txt" >>"$CRASH_TMP/cmds"
	done

	local bname bin ext out
	while read -r bname bin ext; do
		local major=${bname#crash-}; major=${major%%.*}
		if [ "${major:-0}" -lt "$min_major" ] 2>/dev/null; then
			reasons+=("$bname is not made for $ver kernels (crash $min_major+ is)")
			continue
		fi
		out=$CRASH_TMP/$bname; mkdir -p "$out"
		sed "s|@OUT@|$out|" "$CRASH_TMP/cmds" >"$out/cmds"
		crash_run "$bin" "$ext" "$vml" "$elf" "$kaslr" "$out/cmds" "$out/crash.log"
		case $? in
		0) ;;
		2) reasons+=("$bname cannot open the $ver ELF dump: $(crash_reason "$out/crash.log")")
		   continue;;
		*) tail -20 "$out/crash.log"; fail "$bname with pageowner.so on the $ver ELF dump";;
		esac
		opened=$((opened + 1))
		for line in "${cmds[@]}"; do
			IFS='|' read -r name args cli <<<"$line"
			case $name in
			memcg*|info*)
				crash_norm_format "$ref/$name.txt" >"$ref/$name.norm"
				crash_norm_format "$out/$name.txt" >"$out/$name.norm"
				crash_same "$bname $ver elf: pageowner $args" "$ref/$name.norm" "$out/$name.norm";;
			*)	crash_same "$bname $ver elf: pageowner $args" "$ref/$name.txt" "$out/$name.txt";;
			esac
		done
		note "$bname: $ver ELF dump: ${#cmds[@]} subcommands identical to the CLI ($n page records)"
		crash_compare_more "$ver" "$bname" "$bin" "$ext" "$vml"
	done <"$CRASH_TMP/builds"
	[ -x "$CRASH9" ] || reasons+=("crash 9 is not built ($CRASH9: scripts/build-crash9.sh)")
	if [ $opened = 0 ]; then
		local all
		all=$(printf '%s; ' "${reasons[@]}")
		skip "${all%; }"
	fi
	for line in "${reasons[@]}"; do note "not run: $line"; done
	return 0
}

# The -d 31 dumps (churn, oom) with one crash build: pages, stacks, top.
crash_compare_more() {
	local ver=$1 bname=$2 bin=$3 ext=$4 vml=$5 scen form dump kaslr out name
	for scen in churn oom; do
		dump=$(fx_dump "$ver" "$scen" d31.zstd) || continue
		# churn: without --kaslr, so that the extension takes the offset
		# crash found itself (kt->relocate) rather than the one it was told
		kaslr=auto
		[ "$scen" = churn ] || kaslr=$(crash_kaslr "$ver" "$scen" "$dump" "$vml")
		out=$CRASH_TMP/$bname-$scen; mkdir -p "$out/ref"
		: >"$out/cmds"
		for name in pages stacks top; do
			"$PO" "$name" "$dump" "$vml" >"$out/ref/$name.txt" 2>/dev/null
			echo "pageowner $name > $out/$name.txt" >>"$out/cmds"
		done
		crash_run "$bin" "$ext" "$vml" "$dump" "$kaslr" "$out/cmds" "$out/crash.log"
		case $? in
		0) ;;
		2) note "$bname cannot open the $ver $scen d31.zstd dump: $(crash_reason "$out/crash.log")"
		   continue;;
		*) tail -20 "$out/crash.log"; fail "$bname with pageowner.so on the $ver $scen d31.zstd dump";;
		esac
		for name in pages stacks top; do
			crash_same "$bname $ver $scen d31.zstd: pageowner $name" "$out/ref/$name.txt" "$out/$name.txt"
		done
		note "$bname: $ver $scen d31.zstd dump (KASLR: $kaslr): pages, stacks, top identical to the CLI"
	done
}
