#!/bin/bash
# pageowner.so inside crash(8) on a dump whose kernel ran without
# page_owner=on: each subcommand that needs page_owner says so in exactly one
# line (the CLI's message), crash goes on with the next command, and memcg
# and info still work and print what the CLI prints.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/crash_lib.bash"

[ -x "$CRASH8" ] || skip "crash is not installed (Debian package crash)"
dump=$(fx_dump 6.1 nopo d31.zstd) || skip "no 6.1 nopo fixture"
vml=$(fx_vmlinux 6.1)
kaslr=$(crash_kaslr 6.1 nopo "$dump" "$vml")
crash_build_ext

ref=$CRASH_TMP/ref out=$CRASH_TMP/out
mkdir -p "$ref" "$out"
"$PO" pages "$dump" "$vml" >/dev/null 2>"$ref/err"
[ $? = 8 ] || fail "CLI pages on the nopo dump: want exit status 8"
msg=$(cat "$ref/err")
case $msg in
"pageowner: page_owner was not enabled in the dumped kernel"*) ;;
*) fail "CLI message: $msg";;
esac
"$PO" memcg "$dump" "$vml" >"$ref/memcg.txt" 2>/dev/null || fail "CLI memcg"
"$PO" info --json "$dump" "$vml" >"$ref/info.txt" 2>/dev/null || fail "CLI info"

owner_cmds=("pages" "pages --json" "stacks" "top" "page 4096" "page -p 1000000")
: >"$CRASH_TMP/cmds"
i=0
for c in "${owner_cmds[@]}"; do
	echo "pageowner $c > $out/$i.txt" >>"$CRASH_TMP/cmds"
	i=$((i + 1))
done
echo "pageowner memcg > $out/memcg.txt" >>"$CRASH_TMP/cmds"
echo "pageowner info --json > $out/info.txt" >>"$CRASH_TMP/cmds"
# usage errors: one line each, and crash goes on
usage=("pageowner|give a subcommand" "pageowner frob|unknown subcommand 'frob'"
	"pageowner top -n 0|-n: '0' is not a number from 1 to 100000"
	"pageowner pages --dying|pages: option '--dying' does not apply"
	"pageowner page|page: give one of PFN, -p PHYSADDR or -P PAGE"
	"pageowner stacks -t|stacks: option '-t' needs a value")
for u in "${usage[@]}"; do echo "${u%%|*}" >>"$CRASH_TMP/cmds"; done
echo "sys" >>"$CRASH_TMP/cmds"
crash_run "$CRASH8" "$EXT8" "$vml" "$dump" "$kaslr" "$CRASH_TMP/cmds" "$out/crash.log"
rc=$?
[ $rc = 2 ] && skip "crash cannot open the 6.1 nopo dump: $(crash_reason "$out/crash.log")"
[ $rc = 0 ] || { tail -20 "$out/crash.log"; fail "crash with pageowner.so on the nopo dump"; }

i=0
for c in "${owner_cmds[@]}"; do
	[ "$(wc -l <"$out/$i.txt")" = 1 ] || { cat "$out/$i.txt"; fail "pageowner $c: not one line"; }
	[ "$(cat "$out/$i.txt")" = "$msg" ] || fail "pageowner $c: '$(cat "$out/$i.txt")', want '$msg'"
	i=$((i + 1))
done
# and on crash's own output: the one line per command, nothing else
n=$(grep -c "page_owner was not enabled" "$out/crash.log")
[ "$n" = ${#owner_cmds[@]} ] || { cat "$out/crash.log"; fail "$n not-enabled lines in crash's output, want ${#owner_cmds[@]}"; }
grep -q "PANIC:" "$out/crash.log" || fail "crash did not go on to the next command (sys) after the extension"
for u in "${usage[@]}"; do
	grep -qF "pageowner: ${u#*|}" "$out/crash.log" || { cat "$out/crash.log"; fail "'${u%%|*}': no '${u#*|}'"; }
done
crash_norm_format "$ref/memcg.txt" >"$ref/memcg.norm"
crash_norm_format "$out/memcg.txt" >"$out/memcg.norm"
crash_same "nopo: pageowner memcg" "$ref/memcg.norm" "$out/memcg.norm"
crash_norm_format "$ref/info.txt" >"$ref/info.norm"
crash_norm_format "$out/info.txt" >"$out/info.norm"
crash_same "nopo: pageowner info --json" "$ref/info.norm" "$out/info.norm"
note "6.1 nopo: ${#owner_cmds[@]} subcommands gave the one-line message; memcg and info as the CLI"
exit 0
