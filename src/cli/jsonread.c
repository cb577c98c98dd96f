/*
 * Reading back the JSON pageowner writes (batch --merge and --summary read
 * the rows of `batch --json`): a small tree parser, strict RFC 8259,
 * nesting limited, \u escapes decoded to UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_DEPTH 64

struct parser {
	const char *p, *end;
	int depth;
};

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				   *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static char *parse_string(struct parser *ps)
{
	const char *s = ps->p + 1;
	size_t cap = 0;
	const char *q = s;

	while (q < ps->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
		cap++;
	}
	if (q >= ps->end)
		return NULL;
	char *out = malloc(cap * 4 + 1), *o = out;
	if (!out)
		return NULL;
	while (s < q) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = (char)c;
			s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"': *o++ = '"'; s++; break;
		case '\\': *o++ = '\\'; s++; break;
		case '/': *o++ = '/'; s++; break;
		case 'b': *o++ = '\b'; s++; break;
		case 'f': *o++ = '\f'; s++; break;
		case 'n': *o++ = '\n'; s++; break;
		case 'r': *o++ = '\r'; s++; break;
		case 't': *o++ = '\t'; s++; break;
		case 'u': {
			int v;
			if (q - s < 5 || (v = hex4(s + 1)) < 0)
				goto bad;
			s += 5;
			unsigned cp = (unsigned)v;
			if (cp >= 0xd800 && cp < 0xdc00 && q - s >= 6 && s[0] == '\\' && s[1] == 'u') {
				int lo = hex4(s + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
					s += 6;
				}
			}
			o += put_utf8(o, cp);
			break;
		}
		default:
			goto bad;
		}
	}
	*o = '\0';
	ps->p = q + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static struct po_jv *parse_value(struct parser *ps);

static bool add_item(struct po_jv *v, char *key, struct po_jv *item)
{
	struct po_jv **items = realloc(v->items, (v->n + 1) * sizeof(*items));
	if (!items)
		return false;
	v->items = items;
	if (v->type == PO_JV_OBJECT) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (!keys)
			return false;
		v->keys = keys;
		keys[v->n] = key;
	}
	items[v->n++] = item;
	return true;
}

static struct po_jv *parse_container(struct parser *ps, struct po_jv *v, char close)
{
	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		ws(ps);
		if (close == '}') {
			if (ps->p >= ps->end || *ps->p != '"' || !(key = parse_string(ps)))
				goto bad;
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				goto bad;
			}
			ps->p++;
		}
		struct po_jv *item = parse_value(ps);
		if (!item || !add_item(v, key, item)) {
			free(key);
			po_jv_free(item);
			goto bad;
		}
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return v;
		}
		goto bad;
	}
bad:
	po_jv_free(v);
	return NULL;
}

static struct po_jv *parse_value(struct parser *ps)
{
	struct po_jv *v;

	ws(ps);
	if (ps->p >= ps->end || ps->depth > MAX_DEPTH)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	switch (*ps->p) {
	case '{':
	case '[': {
		v->type = *ps->p == '{' ? PO_JV_OBJECT : PO_JV_ARRAY;
		ps->depth++;
		v = parse_container(ps, v, *ps->p == '{' ? '}' : ']');
		ps->depth--;
		return v;
	}
	case '"':
		v->type = PO_JV_STRING;
		if (!(v->str = parse_string(ps)))
			break;
		return v;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		for (int i = 0; i < 3; i++) {
			size_t l = strlen(words[i]);
			if ((size_t)(ps->end - ps->p) >= l && !memcmp(ps->p, words[i], l)) {
				v->type = i == 2 ? PO_JV_NULL : PO_JV_BOOL;
				v->num = i == 0;
				ps->p += l;
				return v;
			}
		}
		break;
	}
	default: {
		char buf[64], *e;
		size_t l = 0;
		while (ps->p + l < ps->end && l < sizeof(buf) - 1 &&
		       strchr("+-0123456789.eE", ps->p[l]))
			l++;
		if (!l)
			break;
		memcpy(buf, ps->p, l);
		buf[l] = '\0';
		v->type = PO_JV_NUMBER;
		v->num = strtod(buf, &e);
		if (*e)
			break;
		ps->p += l;
		return v;
	}
	}
	po_jv_free(v);
	return NULL;
}

struct po_jv *po_jv_parse(const char *s, size_t len)
{
	struct parser ps = { s, s + len, 0 };
	struct po_jv *v = parse_value(&ps);
	ws(&ps);
	if (v && ps.p != ps.end) {
		po_jv_free(v);
		return NULL;
	}
	return v;
}

void po_jv_free(struct po_jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		po_jv_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

const struct po_jv *po_jv_get(const struct po_jv *v, const char *key)
{
	if (!v || v->type != PO_JV_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

const char *po_jv_str(const struct po_jv *v)
{
	return v && v->type == PO_JV_STRING ? v->str : NULL;
}

double po_jv_num(const struct po_jv *v)
{
	return v && v->type == PO_JV_NUMBER ? v->num : 0;
}
