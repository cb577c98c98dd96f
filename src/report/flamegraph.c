/*
 * `pageowner flamegraph`: an interactive SVG flame graph of allocated pages
 * (po_flamegraph_svg() in pageowner.h), written here in C: no Perl, no
 * network, no external script or font file.  The layout follows flamegraph.pl's conventions
 * (root "all" at the bottom, callees above their callers, siblings in
 * alphabetical order, frames narrower than --minwidth left out), so that
 * people who read perf flame graphs read this one the same way.
 *
 * The frame tree is built from the stacks sorted frame by frame: the
 * stacks under one frame are then consecutive, so a new stack only has to
 * be compared with the last child at each level, and the nodes come out in
 * depth-first order, which is also the drawing order.  Memory grows with
 * the distinct stack prefixes.
 */
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/util.h"
#include "report/flamegraph.h"
#include "report/folded.h"

/* ---- kinds of code ---- */

static const char *const kind_names[PO_NR_KINDS] = {
	[PO_KIND_ALLOC] = "page allocator",
	[PO_KIND_SLAB] = "slab",
	[PO_KIND_FS] = "file system",
	[PO_KIND_NET] = "network",
	[PO_KIND_MM] = "mm",
	[PO_KIND_DRIVER] = "driver/module",
	[PO_KIND_OTHER] = "other kernel",
	[PO_KIND_ROOT] = "all / --root",
};

const char *po_frame_kind_name(enum po_frame_kind kind)
{
	return (unsigned)kind < PO_NR_KINDS ? kind_names[kind] : "?";
}

/* Function name prefixes of each kind, tried in this order. */
static const char *const alloc_prefixes[] = {
	"get_page_from_freelist", "__alloc_pages", "alloc_pages", "__alloc_frozen_pages",
	"alloc_frozen_pages", "__folio_alloc", "folio_alloc", "__get_free_pages",
	"get_zeroed_page", "rmqueue", "__rmqueue", "post_alloc_hook", "prep_new_page",
	"alloc_contig", "__alloc_contig", "alloc_pages_exact", "__page_frag_alloc",
	"page_frag_alloc", NULL,
};
static const char *const slab_prefixes[] = {
	"kmalloc", "__kmalloc", "___kmalloc", "kmem_cache", "__kmem_cache", "___slab_alloc",
	"__slab_alloc", "slab_", "allocate_slab", "new_slab", "alloc_slab", "kvmalloc",
	"__kvmalloc", "kvzalloc", "kvcalloc", "kvrealloc", "kzalloc", "kcalloc", "krealloc",
	"__krealloc", "kmemdup", "kstrdup", "kstrndup", "memdup", "kmem_", "__kmem_", NULL,
};
static const char *const net_prefixes[] = {
	"sk_", "__sk_", "sock_", "__sock_", "skb_", "__skb_", "alloc_skb", "__alloc_skb",
	"netdev_", "__netdev_", "napi_", "__napi_", "net_", "__net_", "netif_", "__netif_",
	"tcp_", "__tcp_", "udp", "__udp", "ip_", "__ip_", "ip6_", "ipv6_", "inet", "__inet",
	"raw_", "unix_", "netlink_", "__netlink", "__sys_send", "__sys_recv", "__sys_socket",
	"__sys_connect", "__sys_accept", "__sys_bind", "__x64_sys_send", "__x64_sys_recv",
	"__x64_sys_socket", "page_pool_", "neigh_", "dev_queue_xmit", "__dev_queue_xmit",
	"dst_", "rtnl_", "rtnetlink", "xdp_", "packet_", "nf_", "nft_", "br_", "fib",
	"sctp_", "xfrm", "tun_", "tap_", "veth_", "bond_", NULL,
};
static const char *const fs_prefixes[] = {
	"vfs_", "__vfs_", "ksys_read", "ksys_write", "ksys_pread", "ksys_pwrite",
	"__x64_sys_read", "__x64_sys_write", "__x64_sys_pread", "__x64_sys_pwrite",
	"__x64_sys_open", "__x64_sys_creat", "do_sys_open", "do_filp_open", "path_",
	"filename_", "link_path_walk", "lookup_", "__lookup", "walk_component", "d_",
	"__d_", "dentry_", "alloc_inode", "new_inode", "inode_", "iget", "iput",
	"generic_file", "__generic_file", "generic_perform_write", "generic_write",
	"filemap_", "__filemap_", "pagecache_", "page_cache_", "readahead", "read_pages",
	"ra_", "iomap_", "mpage_", "block_", "__block_", "__getblk", "bh_", "__bread",
	"create_empty_buffers", "folio_create_buffers", "alloc_buffer_head",
	"ext4_", "__ext4", "ext2_", "jbd2_", "xfs_", "btrfs_", "f2fs_", "fat_", "vfat_",
	"nfs", "fuse_", "ovl_", "squashfs_", "erofs_", "isofs_", "ramfs_", "proc_",
	"kernfs_", "sysfs_", "seq_", "single_open", "shmem_", "__shmem", "pipe_",
	"anon_pipe", "__pipe", "create_pipe", "alloc_pipe", "free_pipe", "do_pipe",
	"__do_pipe", "splice", "do_splice", "iter_file_splice", "__splice", "do_iter_",
	"do_readv", "do_writev", "file_", "alloc_file", "alloc_empty_file", "__fput",
	"fput", "fsnotify", "inotify", "eventfd", "ep_", "do_epoll", "__x64_sys_epoll",
	"do_mkdirat", "do_unlinkat", "do_renameat", "do_linkat", "do_symlinkat",
	"writeback", "__writeback", "wb_", "do_writepages", "configfs_", "debugfs_",
	"tracefs_", "mount", "do_mount", "path_mount", "vfs_kern_mount", "simple_",
	"kernel_read", "kernel_write", "__kernel_read", "__kernel_write", "fs_", "do_dentry_open",
	"do_open", "__x64_sys_fcntl", "do_fcntl", "__x64_sys_getdents", "iterate_dir", NULL,
};
static const char *const mm_prefixes[] = {
	"handle_mm_fault", "__handle_mm_fault", "do_anonymous_page", "do_fault", "__do_fault",
	"do_read_fault", "do_cow_fault", "do_shared_fault", "do_wp_page", "wp_page_copy",
	"do_swap_page", "do_page_fault", "do_user_addr_fault", "exc_page_fault",
	"asm_exc_page_fault", "do_huge_pmd", "__do_huge_pmd", "do_set_pmd", "vma_", "__vma",
	"mmap_", "do_mmap", "__mmap", "ksys_mmap", "__x64_sys_mmap", "vm_", "__vm_",
	"vmalloc", "__vmalloc", "vzalloc", "vmap", "__vmap", "alloc_vmap", "__get_vm_area",
	"get_vm_area", "pte_", "__pte", "pmd_", "__pmd", "pud_", "__pud", "p4d_", "__p4d",
	"pgd_", "__pgd", "pgtable_", "copy_page_range", "copy_pte", "copy_pmd", "dup_mm",
	"dup_mmap", "mm_", "__mm_", "khugepaged", "collapse_", "hpage_collapse", "migrate_",
	"__migrate", "move_pages", "compact", "kcompactd", "isolate_", "swap", "__swap",
	"zswap", "zs_", "shrink_", "kswapd", "lru_", "folio_", "__folio", "page_", "__page_",
	"mem_cgroup", "__mem_cgroup", "memcg", "__memcg", "obj_cgroup", "hugetlb",
	"alloc_huge", "alloc_hugetlb", "alloc_buddy_huge", "alloc_fresh_huge", "memblock",
	"__memblock", "alloc_large_system_hash", "sparse_", "__populate_section",
	"vmemmap", "populate_", "__populate", "init_page_owner", "register_early_stack",
	"page_ext", "mempool_", "cma_", "madvise", "do_madvise", "mprotect", "mremap",
	"munmap", "__do_munmap", "do_vmi", "userfaultfd", "ksm_", "follow_page",
	"get_user_pages", "__get_user_pages", "gup_", "pin_user_pages", "faultin",
	"fault_in", "anon_vma", "__anon_vma", "do_brk", "__x64_sys_brk", "set_pte",
	"pcpu_", "alloc_percpu", "__alloc_percpu", "mm_core_init", "free_area_init",
	"memmap_init", "kasan_", "kfence_", "numa_", "mpol_", "do_mbind", "mempolicy",
	"alloc_thread_stack", "__x64_sys_madvise", "__x64_sys_mprotect", "__x64_sys_munmap",
	"__x64_sys_mremap", "__x64_sys_mbind", "__x64_sys_memfd", "memfd_", "unmap_",
	"zap_", "tlb_", "flush_tlb", "try_to_", "rmap_", "do_numa_page", "balloon", NULL,
};
static const char *const driver_prefixes[] = {
	"virtio", "__virtio", "virtqueue", "vring_", "vp_", "virtblk", "virtnet",
	"virtscsi", "virtcons", "blk_", "__blk", "blk", "bio_", "__bio", "submit_bio",
	"scsi_", "__scsi", "sd_", "sr_", "ata_", "__ata", "ahci", "nvme_", "pci_", "__pci",
	"pcie", "drm_", "i915", "amdgpu", "nouveau", "usb_", "__usb", "hid_", "input_",
	"tty_", "n_tty", "serial", "uart_", "dma_", "__dma", "iommu", "devm_", "device_",
	"__device", "driver_", "bus_", "platform_", "acpi_", "e1000", "igb", "ixgbe",
	"mlx", "loop_", "dm_", "md_", "raid", "rtc_", "snd_", "firmware", "fw_",
	"request_firmware", "gpio", "i2c", "spi_", "mmc_", "sdhci", "xhci", "ehci",
	"ohci", "vhost", "vfio", "zram", "nbd_", "rbd_", "fb_", "fbcon", "vt_", "con_",
	"kobject_", "kset_", "uevent", "bdev_", "__bdev", "disk_", "add_disk", "genhd",
	"sg_", "swiotlb", "irq_", "__irq", "msi_", "__msi", NULL,
};

static bool has_prefix(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++) {
		size_t l = strlen(*list);
		if (l <= n && !memcmp(s, *list, l))
			return true;
	}
	return false;
}

enum po_frame_kind po_frame_kind(const char *s, size_t n)
{
	const char *plus;

	if (!n || s[0] == '[')
		return PO_KIND_ROOT;    /* "[slab]", "[uncharged]", "[handle_...]" */
	if (s[n - 1] == ']' && memchr(s, '[', n))
		return PO_KIND_DRIVER;  /* a module function */
	if ((plus = memchr(s, '+', n)))
		n = (size_t)(plus - s);
	if (has_prefix(s, n, alloc_prefixes))
		return PO_KIND_ALLOC;
	if (has_prefix(s, n, slab_prefixes))
		return PO_KIND_SLAB;
	if (has_prefix(s, n, net_prefixes))
		return PO_KIND_NET;
	if (has_prefix(s, n, fs_prefixes))
		return PO_KIND_FS;
	if (has_prefix(s, n, mm_prefixes))
		return PO_KIND_MM;
	if (has_prefix(s, n, driver_prefixes))
		return PO_KIND_DRIVER;
	return PO_KIND_OTHER;
}

/* Base colour and spread of each kind (rgb; the spread is picked by a
 * hash of the name, so a frame keeps its colour from one graph to the
 * next). */
static const struct { int r, g, b, dr, dg, db; } palette[PO_NR_KINDS] = {
	[PO_KIND_ALLOC] = { 215, 65, 45, 35, 45, 25 },
	[PO_KIND_SLAB] = { 225, 180, 40, 25, 35, 40 },
	[PO_KIND_FS] = { 85, 170, 75, 45, 40, 40 },
	[PO_KIND_NET] = { 75, 135, 210, 35, 35, 35 },
	[PO_KIND_MM] = { 240, 135, 35, 15, 35, 35 },
	[PO_KIND_DRIVER] = { 160, 110, 210, 35, 35, 30 },
	[PO_KIND_OTHER] = { 175, 175, 175, 30, 30, 30 },
	[PO_KIND_ROOT] = { 205, 200, 150, 20, 20, 20 },
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n && s[i] != '+' && s[i] != '['; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return po_hash64(h);
}

static void kind_colour(enum po_frame_kind k, const char *s, size_t n, char *buf, size_t len)
{
	uint64_t h = name_hash(s, n);
	double v1 = (double)(h & 0xffff) / 65535.0, v2 = (double)((h >> 16) & 0xffff) / 65535.0;
	/* one brightness for all three, a little hue from the second value */
	int r = palette[k].r + (int)(palette[k].dr * v1);
	int g = palette[k].g + (int)(palette[k].dg * (0.7 * v1 + 0.3 * v2));
	int b = palette[k].b + (int)(palette[k].db * v2);
	snprintf(buf, len, "rgb(%d,%d,%d)", r > 255 ? 255 : r, g > 255 ? 255 : g, b > 255 ? 255 : b);
}

/* Differential: red by growth, blue by shrinkage, relative to the largest
 * change of any frame but the root; a change is never drawn white. */
static void diff_colour(int64_t delta, uint64_t maxabs, char *buf, size_t len)
{
	double t;
	int c;

	if (!delta || !maxabs) {
		snprintf(buf, len, "rgb(225,225,225)");
		return;
	}
	t = (double)(delta < 0 ? -delta : delta) / (double)maxabs;
	if (t > 1)
		t = 1;
	c = 235 - (int)(185 * (0.15 + 0.85 * t));
	if (delta > 0)
		snprintf(buf, len, "rgb(255,%d,%d)", c, c);
	else
		snprintf(buf, len, "rgb(%d,%d,255)", c, c);
}

/* ---- the frame tree ---- */

struct node {
	const char *name;
	size_t len;
	uint32_t parent, depth;
	uint32_t last_child;   /* index + 1, 0 if none yet */
	uint64_t pages;        /* the new (or only) profile */
	uint64_t before;       /* the old profile (differential) */
	uint64_t start;        /* pages left of it, from the left edge */
};

struct tree {
	struct node *v;
	size_t n, cap;
	uint32_t max_depth;
};

static struct po_error *new_node(struct tree *t, uint32_t parent, const char *name, size_t len,
				 uint32_t *ret)
{
	struct node *nd;

	if (t->n >= UINT32_MAX - 1)
		return &po_error_nomem;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		void *v = po_xrealloc_array(t->v, cap, sizeof(*t->v));
		if (!v)
			return &po_error_nomem;
		t->v = v;
		t->cap = cap;
	}
	nd = &t->v[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->name = name;
	nd->len = len;
	nd->parent = parent;
	nd->depth = t->n ? t->v[parent].depth + 1 : 0;
	if (nd->depth > t->max_depth)
		t->max_depth = nd->depth;
	if (t->n)
		t->v[parent].last_child = (uint32_t)t->n + 1;
	*ret = (uint32_t)t->n++;
	return NULL;
}

/* u is sorted frame by frame; pages: new, pages2: old. */
static struct po_error *build_tree(struct tree *t, const struct po_folded *u)
{
	struct po_error *err;
	uint32_t root;

	if ((err = new_node(t, 0, "all", 3, &root)))
		return err;
	for (size_t i = 0; i < u->n; i++) {
		const struct po_folded_stack *st = &u->v[i];
		const char *p = st->s, *end = st->s + st->len;
		uint32_t cur = root;

		t->v[root].pages += st->pages;
		t->v[root].before += st->pages2;
		while (p < end) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			size_t len = (size_t)((semi ? semi : end) - p);
			uint32_t lc = t->v[cur].last_child;

			if (lc && t->v[lc - 1].len == len && !memcmp(t->v[lc - 1].name, p, len)) {
				cur = lc - 1;
			} else if ((err = new_node(t, cur, p, len, &cur))) {
				return err;
			}
			t->v[cur].pages += st->pages;
			t->v[cur].before += st->pages2;
			p = semi ? semi + 1 : end;
		}
	}
	/* x positions: the nodes are in depth-first order, siblings in order */
	{
		uint64_t *cursor = po_xrealloc_array(NULL, t->n, sizeof(*cursor));
		if (!cursor)
			return &po_error_nomem;
		cursor[0] = 0;
		for (size_t i = 1; i < t->n; i++) {
			struct node *nd = &t->v[i];
			nd->start = cursor[nd->parent];
			cursor[nd->parent] += nd->pages;
			cursor[i] = nd->start;
		}
		free(cursor);
	}
	return NULL;
}

/* ---- SVG ---- */

#define FRAME_H 16
#define FONT 12
#define CHAR_W (FONT * 0.59)
#define XPAD 10
#define YPAD_TOP 84
#define YPAD_BOTTOM 28

/* The length of the UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (!len || len > n || (s[0] >= 0xf8))
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	return len;
}

/* Text for XML: escaped, and valid UTF-8 (a comm or memcg name may hold
 * any bytes; those that are not UTF-8 become '?'). */
static void xml_text(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t l = utf8_len((const unsigned char *)s + i, n - i);
			if (l) {
				fwrite(s + i, 1, l, out);
				i += l - 1;
			} else {
				fputc('?', out);
			}
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			/* XML 1.0 has no control characters but these three */
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				fputc('?', out);
			else
				fputc(c, out);
		}
	}
}

static void xml_str(FILE *out, const char *s)
{
	xml_text(out, s, strlen(s));
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

/* "58138 pages (227.1 MiB, 92.3% of RAM)" */
static void fmt_pages(char *buf, size_t len, const struct po_folded_meta *m, uint64_t pages,
		      uint64_t total)
{
	if (m->ram_pages)
		snprintf(buf, len, "%llu pages, %.1f MiB, %.2f%% of RAM",
			 (unsigned long long)pages, po_folded_mib(m, pages),
			 100.0 * (double)pages / (double)m->ram_pages);
	else
		snprintf(buf, len, "%llu pages, %.1f MiB, %.2f%% of all",
			 (unsigned long long)pages, po_folded_mib(m, pages),
			 total ? 100.0 * (double)pages / (double)total : 0.0);
}

static void fmt_signed(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%s%lld", v > 0 ? "+" : "", (long long)v);
}

static const char script[] =
"var frames, details, matched, unzoomBtn, searchBtn, defaultDetails, searchRe = null;\n"
"function init(evt) {\n"
"\tframes = document.getElementById(\"frames\");\n"
"\tdetails = document.getElementById(\"details\").firstChild;\n"
"\tdefaultDetails = details.nodeValue;\n"
"\tmatched = document.getElementById(\"matched\").firstChild;\n"
"\tunzoomBtn = document.getElementById(\"unzoom\");\n"
"\tsearchBtn = document.getElementById(\"search\");\n"
"\tframes.addEventListener(\"click\", function (e) { var g = frameOf(e.target); if (g) zoom(g); }, false);\n"
"\tframes.addEventListener(\"mouseover\", function (e) { var g = frameOf(e.target); if (g) details.nodeValue = info(g); }, false);\n"
"\tframes.addEventListener(\"mouseout\", function () { details.nodeValue = defaultDetails; }, false);\n"
"\tunzoomBtn.addEventListener(\"click\", unzoom, false);\n"
"\tsearchBtn.addEventListener(\"click\", searchPrompt, false);\n"
"\twindow.addEventListener(\"keydown\", function (e) {\n"
"\t\tif (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70)) { e.preventDefault(); searchPrompt(); }\n"
"\t\telse if (e.keyCode === 27) { resetSearch(); unzoom(); }\n"
"\t}, false);\n"
"}\n"
"function hasClass(el, c) { return (\" \" + (el.getAttribute(\"class\") || \"\") + \" \").indexOf(\" \" + c + \" \") >= 0; }\n"
"function frameOf(el) {\n"
"\tfor (; el && el !== frames; el = el.parentNode)\n"
"\t\tif (el.getAttribute && hasClass(el, \"f\")) return el;\n"
"\treturn null;\n"
"}\n"
"function info(g) { return g.getElementsByTagName(\"title\")[0].textContent; }\n"
"function nameOf(g) { var t = info(g), i = t.indexOf(\" \"); return i < 0 ? t : t.substring(0, i); }\n"
"function num(el, a) { return parseFloat(el.getAttribute(a)); }\n"
"function rectOf(g) { return g.getElementsByTagName(\"rect\")[0]; }\n"
"function fit(g) {\n"
"\tvar r = rectOf(g), t = g.getElementsByTagName(\"text\")[0], name = nameOf(g);\n"
"\tvar n = Math.floor((num(r, \"width\") - 6) / CHAR_W);\n"
"\tt.setAttribute(\"x\", (num(r, \"x\") + 3).toFixed(2));\n"
"\tt.textContent = n < 3 ? \"\" : name.length <= n ? name : name.substring(0, n - 2) + \"..\";\n"
"}\n"
"function place(g, x, w) {\n"
"\tvar r = rectOf(g);\n"
"\tr.setAttribute(\"x\", x.toFixed(2));\n"
"\tr.setAttribute(\"width\", w.toFixed(2));\n"
"\tfit(g);\n"
"}\n"
"function zoom(g) {\n"
"\tvar s = num(g, \"data-s\"), p = num(g, \"data-p\"), y = num(rectOf(g), \"y\");\n"
"\tvar scale = (WIDTH - 2 * XPAD) / p, all = frames.getElementsByTagName(\"g\");\n"
"\tunzoomBtn.setAttribute(\"class\", \"btn\");\n"
"\tfor (var i = 0; i < all.length; i++) {\n"
"\t\tvar e = all[i], es = num(e, \"data-s\"), ep = num(e, \"data-p\"), ey = num(rectOf(e), \"y\"), cls = \"f\";\n"
"\t\tif (ey > y) {\n"
"\t\t\t/* a row below: the callers, drawn full width if on the path */\n"
"\t\t\tif (es <= s && es + ep >= s + p) { cls = \"f parent\"; place(e, XPAD, WIDTH - 2 * XPAD); }\n"
"\t\t\telse cls = \"f hide\";\n"
"\t\t} else if (es >= s && es + ep <= s + p) {\n"
"\t\t\tplace(e, XPAD + (es - s) * scale, ep * scale);\n"
"\t\t} else cls = \"f hide\";\n"
"\t\te.setAttribute(\"class\", cls);\n"
"\t}\n"
"}\n"
"function unzoom() {\n"
"\tvar all = frames.getElementsByTagName(\"g\"), scale = (WIDTH - 2 * XPAD) / TOTAL;\n"
"\tunzoomBtn.setAttribute(\"class\", \"btn hide\");\n"
"\tfor (var i = 0; i < all.length; i++) {\n"
"\t\tplace(all[i], XPAD + num(all[i], \"data-s\") * scale, num(all[i], \"data-p\") * scale);\n"
"\t\tall[i].setAttribute(\"class\", \"f\");\n"
"\t}\n"
"}\n"
"function searchPrompt() {\n"
"\tif (searchRe) { resetSearch(); return; }\n"
"\tvar term = prompt(\"Search frames (a regular expression, e.g. ^kmalloc or pipe):\", \"\");\n"
"\tif (term === null || term === \"\") return;\n"
"\ttry { search(new RegExp(term)); } catch (err) { alert(\"Not a regular expression: \" + term); }\n"
"}\n"
"/* Highlight the matching frames; count each page once (nested matches\n"
"   cover the same pages). */\n"
"function search(re) {\n"
"\tvar all = frames.getElementsByTagName(\"g\"), spans = [], total = 0, end = -1;\n"
"\tresetSearch();\n"
"\tfor (var i = 0; i < all.length; i++) {\n"
"\t\tvar e = all[i], r = rectOf(e), s = num(e, \"data-s\");\n"
"\t\tif (!re.test(nameOf(e))) continue;\n"
"\t\tr.setAttribute(\"data-fill\", r.getAttribute(\"fill\"));\n"
"\t\tr.setAttribute(\"fill\", \"rgb(230,0,230)\");\n"
"\t\tspans.push([s, s + num(e, \"data-p\")]);\n"
"\t}\n"
"\tspans.sort(function (a, b) { return a[0] - b[0]; });\n"
"\tfor (var j = 0; j < spans.length; j++) {\n"
"\t\tvar from = Math.max(spans[j][0], end);\n"
"\t\tif (spans[j][1] > from) { total += spans[j][1] - from; end = spans[j][1]; }\n"
"\t}\n"
"\tsearchRe = re;\n"
"\tsearchBtn.textContent = \"Reset Search\";\n"
"\tmatched.nodeValue = \"Matched: \" + total + \" pages, \" + (100 * total / TOTAL).toFixed(1) + \"%\";\n"
"}\n"
"function resetSearch() {\n"
"\tvar all = frames.getElementsByTagName(\"rect\");\n"
"\tfor (var i = 0; i < all.length; i++) {\n"
"\t\tif (!all[i].hasAttribute(\"data-fill\")) continue;\n"
"\t\tall[i].setAttribute(\"fill\", all[i].getAttribute(\"data-fill\"));\n"
"\t\tall[i].removeAttribute(\"data-fill\");\n"
"\t}\n"
"\tsearchRe = null;\n"
"\tsearchBtn.textContent = \"Search\";\n"
"\tmatched.nodeValue = \" \";\n"
"}\n";

static const char style[] =
"text { font-family: Verdana, \"DejaVu Sans\", sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
"#title { font-size: 17px; text-anchor: middle; }\n"
"#subtitle { text-anchor: middle; fill: rgb(70,70,70); }\n"
"#matched { text-anchor: end; }\n"
".btn { cursor: pointer; fill: rgb(0,0,170); }\n"
".btn:hover { text-decoration: underline; }\n"
".hide { display: none; }\n"
".parent { opacity: 0.5; }\n"
".f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }\n"
".f text { pointer-events: none; }\n"
".legend text { font-size: 11px; }\n";

/* The frame's label, cut to its width as flamegraph.pl does. */
static void label(FILE *out, const struct node *nd, double w)
{
	long n = w > 6 ? (long)((w - 6) / CHAR_W) : 0;

	if (n < 3)
		return;
	if ((size_t)n >= nd->len) {
		xml_text(out, nd->name, nd->len);
	} else {
		xml_text(out, nd->name, (size_t)n - 2);
		fputs("..", out);
	}
}

static void legend_item(FILE *out, double *x, double y, const char *fill, const char *text)
{
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" ry=\"2\" fill=\"%s\"/>",
		*x, y, fill);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", *x + 16, y + 10.5);
	xml_str(out, text);
	fputs("</text>\n", out);
	*x += 16 + 6.5 * (double)strlen(text) + 18;
}

static void write_svg(FILE *out, const struct tree *t, const struct po_folded *f,
		      const struct po_folded *old, const struct po_flamegraph_opts *o,
		      double minwidth)
{
	const struct po_folded_meta *m = &f->meta;
	unsigned width = o->width ? o->width : 1200;
	uint64_t total = t->v[0].pages;
	double scale = total ? (double)(width - 2 * XPAD) / (double)total : 0;
	uint32_t depth = 0;
	uint64_t maxabs = 0;
	unsigned height;
	char buf[512], buf2[160], fill[64];

	for (size_t i = 0; i < t->n; i++) {
		const struct node *nd = &t->v[i];
		int64_t d = (int64_t)nd->pages - (int64_t)nd->before;
		if ((double)nd->pages * scale < minwidth)
			continue;
		if (nd->depth > depth)
			depth = nd->depth;
		if (i && (uint64_t)(d < 0 ? -d : d) > maxabs)
			maxabs = (uint64_t)(d < 0 ? -d : d);
	}
	height = YPAD_TOP + (depth + 1) * FRAME_H + YPAD_BOTTOM;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" onload=\"init(evt)\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n", width, height, width, height);
	fputs("<!-- Flame graph of allocated pages, written by pageowner " PAGEOWNER_VERSION
	      " (pageowner-flamegraph(1)).\n"
	      "     Each frame's width is the base pages allocated from a stack through it;\n"
	      "     data-s: pages left of the frame, data-p: its pages", out);
	if (old)
		fputs(", data-b: its pages in the old profile", out);
	fputs(". -->\n", out);
	fprintf(out, "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
		"<stop stop-color=\"#eeeeee\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
		"</linearGradient></defs>\n", old ? "#e0e0ee" : "#eeeeb0");
	fprintf(out, "<style type=\"text/css\">\n%s</style>\n", style);
	fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[\n\"use strict\";\n"
		"var WIDTH = %u, XPAD = %d, TOTAL = %llu, CHAR_W = %.2f;\n%s]]></script>\n",
		width, XPAD, (unsigned long long)(total ? total : 1), CHAR_W, script);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"url(#background)\"/>\n",
		width, height);

	/* title, subtitle, buttons */
	fprintf(out, "<text id=\"title\" x=\"%.1f\" y=\"24\">", width / 2.0);
	if (o->title) {
		xml_str(out, o->title);
	} else {
		fputs(old ? "Change of allocated pages: " : "Allocated pages: ", out);
		if (m->release[0]) {
			xml_str(out, m->release);
			fputs(", ", out);
		}
		/* the file names, with their directories when only those differ */
		bool same = old && !strcmp(base_name(old->meta.name), base_name(m->name));
		if (old) {
			xml_str(out, same ? old->meta.name : base_name(old->meta.name));
			fputs(" \xe2\x86\x92 ", out); /* an arrow */
		}
		xml_str(out, same ? m->name : base_name(m->name));
	}
	fputs("</text>\n", out);
	fmt_pages(buf, sizeof(buf), m, total, total);
	fprintf(out, "<text id=\"subtitle\" x=\"%.1f\" y=\"44\">", width / 2.0);
	if (old) {
		fmt_signed(buf2, sizeof(buf2), (int64_t)total - (int64_t)t->v[0].before);
		fprintf(out, "new: %s; old: %llu pages; change: %s pages", buf,
			(unsigned long long)t->v[0].before, buf2);
	} else {
		fprintf(out, "%s in %zu stacks", buf, f->n);
		if (m->panic[0]) {
			fputs("; panic: ", out);
			xml_str(out, m->panic);
		}
	}
	fputs("</text>\n", out);
	fprintf(out, "<text id=\"unzoom\" class=\"btn hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n", XPAD);
	fprintf(out, "<text id=\"search\" class=\"btn\" x=\"%d\" y=\"24\" text-anchor=\"end\">Search</text>\n",
		width - XPAD);

	/* legend */
	{
		double x = XPAD, y = 54;
		fputs("<g class=\"legend\">\n", out);
		if (old) {
			diff_colour(1, 1, fill, sizeof(fill));
			legend_item(out, &x, y, fill, "grew");
			diff_colour(1, 4, fill, sizeof(fill));
			legend_item(out, &x, y, fill, "grew a little");
			diff_colour(-1, 4, fill, sizeof(fill));
			legend_item(out, &x, y, fill, "shrank a little");
			diff_colour(-1, 1, fill, sizeof(fill));
			legend_item(out, &x, y, fill, "shrank");
			diff_colour(0, 1, fill, sizeof(fill));
			legend_item(out, &x, y, fill, "no change");
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">(widths: the new profile; stacks that vanished: see pageowner diff)</text>\n",
				x, y + 10.5);
		} else {
			for (int k = 0; k < PO_NR_KINDS; k++) {
				const char *txt = kind_names[k];
				if (k == PO_KIND_ROOT && !o->root_frames)
					txt = "all";
				snprintf(fill, sizeof(fill), "rgb(%d,%d,%d)", palette[k].r + palette[k].dr / 2,
					 palette[k].g + palette[k].dg / 2, palette[k].b + palette[k].db / 2);
				legend_item(out, &x, y, fill, txt);
			}
		}
		fputs("</g>\n", out);
	}

	/* frames, in depth-first order */
	fputs("<g id=\"frames\">\n", out);
	for (size_t i = 0; i < t->n; i++) {
		const struct node *nd = &t->v[i];
		double x = XPAD + (double)nd->start * scale, w = (double)nd->pages * scale;
		double y = height - YPAD_BOTTOM - (nd->depth + 1) * FRAME_H;
		int64_t d = (int64_t)nd->pages - (int64_t)nd->before;

		if (w < minwidth || !nd->pages)
			continue;
		if (old) {
			diff_colour(d, maxabs, fill, sizeof(fill));
		} else {
			enum po_frame_kind k = i == 0 || (o->root_frames && nd->depth == 1) ?
					       PO_KIND_ROOT : po_frame_kind(nd->name, nd->len);
			kind_colour(k, nd->name, nd->len, fill, sizeof(fill));
		}
		fprintf(out, "<g class=\"f\" data-s=\"%llu\" data-p=\"%llu\"",
			(unsigned long long)nd->start, (unsigned long long)nd->pages);
		if (old)
			fprintf(out, " data-b=\"%llu\"", (unsigned long long)nd->before);
		fputs("><title>", out);
		xml_text(out, nd->name, nd->len);
		fmt_pages(buf, sizeof(buf), m, nd->pages, total);
		fprintf(out, " (%s", buf);
		if (old) {
			fmt_signed(buf2, sizeof(buf2), d);
			fprintf(out, "; before %llu pages: %s pages, %+.1f MiB",
				(unsigned long long)nd->before, buf2,
				d < 0 ? -po_folded_mib(m, (uint64_t)-d) : po_folded_mib(m, (uint64_t)d));
		}
		fprintf(out, ")</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
			"fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"%.2f\" y=\"%.1f\">",
			x, y, w, FRAME_H - 1, fill, x + 3, y + FRAME_H - 4.5);
		label(out, nd, w);
		fputs("</text></g>\n", out);
	}
	fputs("</g>\n", out);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%u\">", XPAD, height - 9);
	if (old)
		fputs("Widths: pages allocated in the new profile. Red: grew since the old one, blue: shrank. "
		      "Click a frame to zoom, Ctrl-F to search.", out);
	else
		fputs("Widths: base pages allocated through each frame (a caller is as wide as its callees together). "
		      "Click a frame to zoom, Ctrl-F to search.", out);
	fputs("</text>\n", out);
	fprintf(out, "<text id=\"matched\" x=\"%u\" y=\"%u\"> </text>\n", width - XPAD, height - 9);
	fputs("</svg>\n", out);
}

struct po_error *po_flamegraph_svg(FILE *out, const struct po_folded *f,
				   const struct po_folded *old,
				   const struct po_flamegraph_opts *opts)
{
	struct po_folded *u = NULL;
	struct tree t = { 0 };
	struct po_error *err;
	struct po_flamegraph_opts o = opts ? *opts : (struct po_flamegraph_opts){ 0 };
	double minwidth;

	if (!o.width)
		o.width = 1200;
	if (o.width < 200 || o.width > 100000)
		return po_error_create(PO_ERR_USAGE, "--width: %u pixels is not between 200 and 100000",
				       o.width);
	if (!(o.minwidth >= 0))
		o.minwidth = 0;
	/* the union of both profiles, sorted frame by frame */
	if ((err = po_folded_create(&f->opts, &u)))
		return err;
	for (size_t i = 0; i < f->n && !err; i++)
		err = po_folded_add(u, f->v[i].s, f->v[i].len, f->v[i].pages);
	for (size_t i = 0; old && i < old->n && !err; i++) {
		err = po_folded_add(u, old->v[i].s, old->v[i].len, 0);
		if (!err)
			po_folded_find(u, old->v[i].s, old->v[i].len)->pages2 += old->v[i].pages;
	}
	if (!err)
		err = po_folded_sort_names(u);
	if (!err)
		err = build_tree(&t, u);
	if (!err) {
		minwidth = o.minwidth;
		if (o.minwidth_pct > 0 && t.v[0].pages)
			minwidth = o.minwidth_pct / 100.0 * (o.width - 2 * XPAD);
		write_svg(out, &t, f, old, &o, minwidth);
		if (ferror(out))
			err = po_error_create(PO_ERR_OS, "write error");
	}
	free(t.v);
	po_folded_destroy(u);
	return err;
}
