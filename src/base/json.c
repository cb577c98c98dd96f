/* Minimal JSON writing helpers shared by the reports. */
#include <stddef.h>
#include <stdio.h>

#include "base/json.h"

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, at most U+10FFFF), 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * RFC 8259: quotes, backslash and control characters escaped; valid UTF-8
 * written as it is; a byte that is not part of valid UTF-8 (a garbage comm,
 * a Latin-1 cgroup name) as \u00XX, its Latin-1 reading, so the output is
 * always valid JSON and says which byte was there.
 */
void po_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (s && *s) {
		unsigned char c = *s;
		size_t n;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (c >= 0x80 && (n = utf8_len(s))) {
				fwrite(s, 1, n, out);
				s += n;
				continue;
			}
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
		s++;
	}
	fputc('"', out);
}

void po_json_str_or_null(FILE *out, const char *s)
{
	if (s)
		po_json_string(out, s);
	else
		fputs("null", out);
}

void po_json_count_or_null(FILE *out, long long v)
{
	if (v >= 0)
		fprintf(out, "%lld", v);
	else
		fputs("null", out);
}
