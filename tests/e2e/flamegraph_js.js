// The flame graph's script (zoom, unzoom, search, hover) run by node on a
// minimal DOM of the SVG (tests/e2e/flamegraph_svg.sh).  Usage:
//   node flamegraph_js.js SVG FRAME_NAME
// The SVG's elements are read with a small parser that handles exactly what
// report_flamegraph.c writes.  Checks, for the first frame named FRAME_NAME:
// zoomed, it spans the full width, its callees are scaled within it, its
// callers are drawn full width and faded, the rest is hidden; unzoom puts
// every frame back where the SVG had it; a search counts each page once.
"use strict";
const fs = require("fs");

class Text {
	constructor(v) { this.nodeValue = v; }
}

class El {
	constructor(tag, attrs, parent) {
		this.tag = tag;
		this.attrs = attrs;
		this.parentNode = parent;
		this.children = [];
		this.text = "";
		this.firstChild = new Text("");
		this.listeners = {};
	}
	getAttribute(a) { return Object.prototype.hasOwnProperty.call(this.attrs, a) ? this.attrs[a] : null; }
	setAttribute(a, v) { this.attrs[a] = String(v); }
	hasAttribute(a) { return Object.prototype.hasOwnProperty.call(this.attrs, a); }
	removeAttribute(a) { delete this.attrs[a]; }
	getElementsByTagName(t) {
		const out = [];
		const walk = (e) => { for (const c of e.children) { if (c.tag === t) out.push(c); walk(c); } };
		walk(this);
		return out;
	}
	get textContent() { return this.firstChild.nodeValue; }
	set textContent(v) { this.firstChild.nodeValue = String(v); }
	addEventListener(type, fn) { this.listeners[type] = fn; }
}

function unescape(s) {
	return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
		.replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

function parse(svg) {
	const root = new El("#root", {}, null);
	const ids = {};
	let cur = root;
	const body = svg.replace(/<script[\s\S]*?<\/script>/, "").replace(/<style[\s\S]*?<\/style>/, "")
		.replace(/<!--[\s\S]*?-->/g, "").replace(/<\?[\s\S]*?\?>/g, "");
	const re = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z0-9:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
	let m;
	while ((m = re.exec(body))) {
		if (m[5] !== undefined) {
			if (cur !== root)
				cur.firstChild.nodeValue += unescape(m[5]);
			continue;
		}
		if (m[1]) {
			cur = cur.parentNode;
			continue;
		}
		const attrs = {};
		m[3].replace(/([a-zA-Z0-9:-]+)="([^"]*)"/g, (_, k, v) => { attrs[k] = unescape(v); });
		const el = new El(m[2], attrs, cur);
		cur.children.push(el);
		if (attrs.id)
			ids[attrs.id] = el;
		if (!m[4])
			cur = el;
	}
	return ids;
}

function fail(msg) {
	console.log("FAIL: " + msg);
	process.exit(1);
}

const svg = fs.readFileSync(process.argv[2], "utf8");
const want = process.argv[3];
const ids = parse(svg);
const script = svg.match(/<!\[CDATA\[([\s\S]*)\]\]>/)[1];
let prompted = null;
const window = { addEventListener() {} };
const document = { getElementById: (id) => ids[id] };
const ctx = new Function("document", "window", "prompt", "alert",
	script + "\nreturn { init, zoom, unzoom, search, resetSearch, searchPrompt, WIDTH, XPAD, TOTAL };");
const api = ctx(document, window, () => prompted, (m) => fail("alert: " + m));
api.init({});

const frames = ids.frames.getElementsByTagName("g");
const num = (e, a) => parseFloat(e.getAttribute(a));
const rect = (g) => g.getElementsByTagName("rect")[0];
const name = (g) => g.getElementsByTagName("title")[0].textContent.split(" ")[0];
const orig = frames.map((g) => [rect(g).getAttribute("x"), rect(g).getAttribute("width")]);
const g = frames.find((f) => name(f) === want);
if (!g)
	fail("no frame " + want);
const s = num(g, "data-s"), p = num(g, "data-p"), y = num(rect(g), "y");
const full = api.WIDTH - 2 * api.XPAD;

// hover
ids.frames.listeners.mouseover({ target: rect(g) });
if (!ids.details.firstChild.nodeValue.startsWith(want + " ("))
	fail("hover text: " + ids.details.firstChild.nodeValue);

// zoom by a click on the frame's rect
ids.frames.listeners.click({ target: rect(g) });
let shown = 0, parents = 0, hidden = 0;
for (const f of frames) {
	const cls = f.getAttribute("class"), fs_ = num(f, "data-s"), fp = num(f, "data-p");
	const fy = num(rect(f), "y"), x = num(rect(f), "x"), w = num(rect(f), "width");
	const inside = fs_ >= s && fs_ + fp <= s + p;
	if (fy > y && fs_ <= s && fs_ + fp >= s + p) {
		if (cls !== "f parent" || Math.abs(x - api.XPAD) > 0.01 || Math.abs(w - full) > 0.01)
			fail("caller " + name(f) + " not full width and faded: " + cls + " " + x + " " + w);
		parents++;
	} else if (fy <= y && inside) {
		const wx = api.XPAD + (fs_ - s) * full / p, ww = fp * full / p;
		if (cls !== "f" || Math.abs(x - wx) > 0.01 || Math.abs(w - ww) > 0.01)
			fail("callee " + name(f) + " at " + x + "+" + w + ", not " + wx + "+" + ww);
		shown++;
	} else {
		if (cls !== "f hide")
			fail("frame " + name(f) + " outside the zoom is not hidden");
		hidden++;
	}
}
if (Math.abs(num(rect(g), "width") - full) > 0.01)
	fail("the zoomed frame is not full width");
if (ids.unzoom.getAttribute("class") !== "btn")
	fail("Reset Zoom not shown");
console.log(`  zoom on ${want}: ${shown} frames shown, ${parents} callers faded, ${hidden} hidden`);

// unzoom: everything back where the SVG drew it
ids.unzoom.listeners.click({});
frames.forEach((f, i) => {
	if (f.getAttribute("class") !== "f")
		fail("after unzoom " + name(f) + " is " + f.getAttribute("class"));
	const x = num(rect(f), "x"), w = num(rect(f), "width");
	if (Math.abs(x - parseFloat(orig[i][0])) > 0.011 || Math.abs(w - parseFloat(orig[i][1])) > 0.011)
		fail("after unzoom " + name(f) + " at " + x + "+" + w + ", the SVG had " + orig[i]);
});

// search: the frames named want are highlighted; their pages counted once
prompted = "^" + want + "$";
ids.search.listeners.click({});
let expect = 0, end = -1;
const spans = frames.filter((f) => name(f) === want).map((f) => [num(f, "data-s"), num(f, "data-s") + num(f, "data-p")])
	.sort((a, b) => a[0] - b[0]);
for (const [a, b] of spans) {
	const from = Math.max(a, end);
	if (b > from) { expect += b - from; end = b; }
}
const m = ids.matched.firstChild.nodeValue.match(/^Matched: (\d+) pages/);
if (!m || +m[1] !== expect)
	fail("matched: " + ids.matched.firstChild.nodeValue + ", expected " + expect + " pages");
if (rect(g).getAttribute("fill") !== "rgb(230,0,230)")
	fail("the match is not highlighted");
// the root matches everything once
api.resetSearch();
api.search(/^all$/);
if (!ids.matched.firstChild.nodeValue.startsWith("Matched: " + api.TOTAL + " pages, 100.0%"))
	fail("all: " + ids.matched.firstChild.nodeValue);
api.resetSearch();
if (rect(g).getAttribute("fill") === "rgb(230,0,230)" || ids.search.textContent !== "Search")
	fail("reset search left the highlight");
console.log(`  search ^${want}$: ${expect} pages matched, counted once`);
