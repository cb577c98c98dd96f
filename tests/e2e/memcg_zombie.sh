# A dying memcg that no page pins: the churn scenario of the fixture maker
# (guest/pohelper.c zombie()) leaves a task of cgroup /zombie exited but not
# reaped by its parent, then removes the cgroup.  The zombie's css_set keeps
# the memcg dying with nothing charged to it (on 7.x, where pages are
# reparented, this is what a dying memcg looks like).  `pageowner memcg`
# must list it, name the zombie and its parent, and explain the whole css
# reference count (1 = the css_set); the text must say so, not "pinned by
# references the dump does not attribute".
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	dump=$(fx_dump "$v" churn elf) || continue
	vml=$(fx_vmlinux "$v")
	grep -q 'nr_dying_descendants' "$FX/$v/churn/truth/cgroup.stat" 2>/dev/null || continue
	json=$("$PO" memcg --dying --json "$dump" "$vml" 2>/dev/null) || fail "$v: memcg --json"
	has=$(echo "$json" | python3 -c 'import json,sys; print(any(m["path"]=="/zombie" for m in json.load(sys.stdin)["memcgs"]))')
	if [ "$has" != True ]; then
		note "$v: no /zombie memcg (fixture made before the zombie scenario)"
		continue
	fi
	echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [x for x in d["memcgs"] if x["path"] == "/zombie"][0]
assert m["dying"] and not m["online"], m
assert m["pages"]["total"] == 0, m["pages"]
t = m["tasks"]
assert len(t) == 1 and t[0]["exited"] and t[0]["comm"] == "pohelper", t
assert t[0]["parent_tgid"] > 1, t
css = m["refs"]["css"]
assert css["mode"] == "atomic" and css["count"] == 1, css
assert m["refs"]["css_sets"] == 1, m["refs"]
# the kernel counts it among the dying (cgroup.stat)
assert d["dying_found"] == d["kernel_counters"]["nr_dying_descendants"], (d["dying_found"], d["kernel_counters"])
' || fail "$v: /zombie memcg in the JSON"
	text=$("$PO" memcg --dying "$dump" "$vml" 2>/dev/null | sed -n '/^offline \/zombie /,/^$/p')
	echo "$text" | grep -q '= 1 by the css_set of its task' || fail "$v: css refcount not explained: $text"
	echo "$text" | grep -q 'exited, not reaped by its parent' || fail "$v: zombie not named: $text"
	echo "$text" | grep -q '\[zombie, parent [0-9]*\]' || fail "$v: zombie parent not shown: $text"
	if echo "$text" | grep -q 'does not attribute'; then fail "$v: unexplained references: $text"; fi
	note "$v: /zombie: dying, no pages, css refcount 1 = its zombie task's css_set"
	n=$((n+1))
done
[ "$n" -ge 1 ] || fail "no fixture has the /zombie memcg (tests/fixtures/6.12 should)"
