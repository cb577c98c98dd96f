/* Minimal JSON writing helpers shared by the reports. */
#include <stdio.h>

#include "json.h"

void po_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

void po_json_stack(FILE *out, const struct po_stack *st)
{
	fputc('[', out);
	for (unsigned i = 0; st && i < st->nr_frames; i++) {
		const struct po_frame *f = &st->frames[i];
		char buf[512];
		if (i)
			fputc(',', out);
		po_frame_format(f, buf, sizeof(buf));
		fprintf(out, "{\"address\":%llu,\"text\":", (unsigned long long)f->addr);
		po_json_str(out, buf);
		if (f->name) {
			fputs(",\"symbol\":", out);
			po_json_str(out, f->name);
			fprintf(out, ",\"offset\":%llu,\"size\":%llu",
				(unsigned long long)f->offset, (unsigned long long)f->size);
			if (f->module) {
				fputs(",\"module\":", out);
				po_json_str(out, f->module);
			}
		}
		fputc('}', out);
	}
	fputc(']', out);
}

void po_json_str_or_null(FILE *out, const char *s)
{
	if (s)
		po_json_str(out, s);
	else
		fputs("null", out);
}

void po_json_stack_or_null(FILE *out, const struct po_stack *st)
{
	if (st)
		po_json_stack(out, st);
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
