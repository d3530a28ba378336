/*
 * fhir_xml_bench.c
 *		Checks and times the FHIR XML <-> JSON converters on official example
 *		pairs (json/X.json and xml/X.xml holding the same resource, as in
 *		../shared/data/fhir/spec-examples-r4).
 *
 *		fhir_xml_bench [-n N] [-v] DIR
 *		fhir_xml_bench -rt FILE.json...
 *
 * For every pair: (1) XML -> JSON, compared semantically with the official
 * JSON (object key order ignored, numbers compared by their lexical text,
 * strings exactly, except the narrative div which, when not identical, is
 * compared after collapsing whitespace runs to one space: such pairs are
 * counted apart; and, counted apart too, an XML meta.security compared with
 * the JSON's meta.tag when the JSON has no meta.security: fhir_models'
 * example pairs carry the HTEST security label as meta.security in XML but
 * as meta.tag in JSON); (2) official JSON -> XML -> JSON, compared the same way.
 * Then every XML file is converted N times (default 20) and the throughput
 * of both directions is printed.  With -rt, each JSON file (e.g. the
 * Synthea bundles) only goes JSON -> XML -> JSON and is compared with
 * itself, with the time of each direction.
 *
 * Build: gcc -std=c11 -O2 -I include $(xml2-config --cflags) \
 *            $(find src/core -name '*.c') test/bench/fhir_xml_bench.c \
 *            $(xml2-config --libs) -o /tmp/fhirxmlbench
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinical/fhir_xml.h"
#include "clinical/json.h"

typedef struct cmp_state
{
	char		where[512];
	int			div_normalised;	/* div strings equal only after ws collapse */
	int			meta_swapped;
	int			div_quotes;		/* div strings equal after &quot; -> " */	/* XML meta.security == JSON meta.tag */
	bool		verbose;
} cmp_state;

static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *b;
	long		n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t) n + 1);
	if (b == NULL || fread(b, 1, (size_t) n, f) != (size_t) n)
	{
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	b[n] = '\0';
	*len = (size_t) n;
	return b;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* s with &quot; and &apos; replaced by the characters they stand for */
static size_t
decode_quotes(const char *s, size_t len, char *out)
{
	size_t		n = 0;

	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == '&' && i + 6 <= len && memcmp(s + i, "&quot;", 6) == 0)
		{
			out[n++] = '"';
			i += 5;
		}
		else if (s[i] == '&' && i + 6 <= len && memcmp(s + i, "&apos;", 6) == 0)
		{
			out[n++] = '\'';
			i += 5;
		}
		else
			out[n++] = s[i];
	}
	return n;
}

/* s with every whitespace run collapsed to one space, trimmed */
static size_t
collapse_ws(const char *s, size_t len, char *out)
{
	size_t		n = 0;
	bool		ws = false;

	for (size_t i = 0; i < len; i++)
	{
		char		ch = s[i];

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
		{
			ws = true;
			continue;
		}
		if (ws && n > 0)
			out[n++] = ' ';
		ws = false;
		out[n++] = ch;
	}
	return n;
}

static bool cmp_node(cmp_state *st, const cl_node *a, const cl_node *b,
					 const char *key, size_t depth_len);

/* the entries of meta.security followed by those of meta.tag */
static size_t
meta_labels(const cl_node *m, cl_node *out, size_t max)
{
	size_t		n = 0;
	static const char *const keys[] = {"security", "tag"};

	for (int k = 0; k < 2; k++)
	{
		cl_node		arr;

		if (!m->ops->member(m, keys[k], strlen(keys[k]), &arr) ||
			cl_node_kind_of(&arr) != CL_NODE_ARRAY)
			continue;
		for (size_t i = 0; i < arr.ops->count(&arr) && n < max; i++)
			arr.ops->element(&arr, i, &out[n++]);
	}
	return n;
}

/*
 * meta objects whose security and tag labels differ only in which of the
 * two lists holds them: -1 when that is not the case (compare normally),
 * else the result of comparing the remaining members.
 */
static int
cmp_meta(cmp_state *st, const cl_node *a, const cl_node *b, size_t depth_len)
{
	cl_node		la[64],
				lb[64];
	size_t		na = meta_labels(a, la, 64),
				nb = meta_labels(b, lb, 64);
	cl_node		sa,
				sb;
	size_t		ca = a->ops->count(a),
				cb = b->ops->count(b);

	if (na != nb)
		return -1;
	for (size_t i = 0; i < na; i++)
		if (!cmp_node(st, &la[i], &lb[i], NULL, depth_len))
			return -1;
	/* same labels: is the split between the lists different? */
	{
		bool		a_sec = a->ops->member(a, "security", 8, &sa);
		bool		b_sec = b->ops->member(b, "security", 8, &sb);
		size_t		nsa = a_sec ? sa.ops->count(&sa) : 0;
		size_t		nsb = b_sec ? sb.ops->count(&sb) : 0;

		if (nsa == nsb)
			return -1;
	}
	st->meta_swapped++;
	/* compare the other members of meta */
	{
		size_t		others_a = 0,
					others_b = 0;

		for (size_t i = 0; i < ca; i++)
		{
			const char *k;
			size_t		kl;
			cl_node		va,
						vb;

			a->ops->member_at(a, i, &k, &kl, &va);
			if ((kl == 8 && memcmp(k, "security", 8) == 0) ||
				(kl == 3 && memcmp(k, "tag", 3) == 0))
				continue;
			others_a++;
			if (!b->ops->member(b, k, kl, &vb) ||
				!cmp_node(st, &va, &vb, k, depth_len))
				return 0;
		}
		for (size_t i = 0; i < cb; i++)
		{
			const char *k;
			size_t		kl;
			cl_node		vb;

			b->ops->member_at(b, i, &k, &kl, &vb);
			if (!((kl == 8 && memcmp(k, "security", 8) == 0) ||
				  (kl == 3 && memcmp(k, "tag", 3) == 0)))
				others_b++;
		}
		if (others_a != others_b)
		{
			snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
					 " (meta member counts differ)");
			return 0;
		}
	}
	return 1;
}

static bool
cmp_node(cmp_state *st, const cl_node *a, const cl_node *b, const char *key,
		 size_t depth_len)
{
	cl_node_kind ka = cl_node_kind_of(a);
	cl_node_kind kb = cl_node_kind_of(b);

	if (ka != kb)
	{
		snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
				 " (kind %d vs %d)", ka, kb);
		return false;
	}
	if (ka == CL_NODE_OBJECT && key && strcmp(key, "meta") == 0)
	{
		int			r = cmp_meta(st, a, b, depth_len);

		if (r >= 0)
			return r;
	}
	if (ka == CL_NODE_OBJECT)
	{
		size_t		na = a->ops->count(a),
					nb = b->ops->count(b);

		for (size_t i = 0; i < na; i++)
		{
			const char *k;
			size_t		kl;
			cl_node		va,
						vb;
			int			w;

			a->ops->member_at(a, i, &k, &kl, &va);
			w = snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
						 "/%.*s", (int) kl, k);
			if (!b->ops->member(b, k, kl, &vb))
			{
				snprintf(st->where + depth_len + w,
						 sizeof(st->where) - depth_len - w, " (missing in B)");
				return false;
			}
			if (!cmp_node(st, &va, &vb, k, depth_len + w))
				return false;
		}
		if (na != nb)
		{
			for (size_t i = 0; i < nb; i++)
			{
				const char *k;
				size_t		kl;
				cl_node		va,
							vb;

				b->ops->member_at(b, i, &k, &kl, &vb);
				if (!a->ops->member(a, k, kl, &va))
				{
					snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
							 "/%.*s (missing in A)", (int) kl, k);
					return false;
				}
			}
			snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
					 " (member counts %zu vs %zu)", na, nb);
			return false;
		}
		return true;
	}
	if (ka == CL_NODE_ARRAY)
	{
		size_t		na = a->ops->count(a),
					nb = b->ops->count(b);

		if (na != nb)
		{
			snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
					 " (array lengths %zu vs %zu)", na, nb);
			return false;
		}
		for (size_t i = 0; i < na; i++)
		{
			cl_node		va,
						vb;
			int			w;

			a->ops->element(a, i, &va);
			b->ops->element(b, i, &vb);
			w = snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
						 "/%zu", i);
			if (!cmp_node(st, &va, &vb, key, depth_len + w))
				return false;
		}
		return true;
	}
	{
		const char *ta,
				   *tb;
		size_t		la,
					lb;

		a->ops->scalar(a, &ta, &la);
		b->ops->scalar(b, &tb, &lb);
		if (la == lb && memcmp(ta, tb, la) == 0)
			return true;
		if (key && strcmp(key, "div") == 0)
		{
			char	   *ca = malloc(la + 1),
					   *cb = malloc(lb + 1),
					   *wa = malloc(la + 1),
					   *wb = malloc(lb + 1);
			size_t		ma = decode_quotes(ta, la, ca),
						mb = decode_quotes(tb, lb, cb);
			int			level = 0;

			if (ma == mb && memcmp(ca, cb, ma) == 0)
				level = 1;
			else
			{
				ma = collapse_ws(ca, ma, wa);
				mb = collapse_ws(cb, mb, wb);
				if (ma == mb && memcmp(wa, wb, ma) == 0)
					level = 2;
			}
			free(ca);
			free(cb);
			free(wa);
			free(wb);
			if (level == 1)
			{
				st->div_quotes++;
				return true;
			}
			if (level == 2)
			{
				st->div_normalised++;
				return true;
			}
		}
		snprintf(st->where + depth_len, sizeof(st->where) - depth_len,
				 " (\"%.60s\" vs \"%.60s\")", ta, tb);
		return false;
	}
}

/* compares JSON texts a and b; false with st->where set when they differ */
static bool
cmp_json(cmp_state *st, const char *a, size_t la, const char *b, size_t lb)
{
	cl_arena	arena;
	cl_node		ra,
				rb;
	cl_error	err;
	bool		ok;

	cl_arena_init(&arena, &cl_malloc_allocator, 65536);
	if (!cl_json_tree(a, la, &arena, &ra, &err))
	{
		snprintf(st->where, sizeof(st->where), "A is not JSON: %s", err.message);
		cl_arena_reset(&arena);
		return false;
	}
	if (!cl_json_tree(b, lb, &arena, &rb, &err))
	{
		snprintf(st->where, sizeof(st->where), "B is not JSON: %s", err.message);
		cl_arena_reset(&arena);
		return false;
	}
	st->where[0] = '\0';
	ok = cmp_node(st, &ra, &rb, NULL, 0);
	cl_arena_reset(&arena);
	return ok;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
round_trip_files(int n, char **files)
{
	int			ok = 0,
				bad = 0;
	double		t_j2x = 0,
				t_x2j = 0;
	size_t		jbytes = 0,
				xbytes = 0;

	for (int i = 0; i < n; i++)
	{
		size_t		len;
		char	   *json = read_file(files[i], &len);
		cl_arena	arena;
		cl_node		root;
		cl_error	err;
		cl_buf		xml,
					back;
		cmp_state	st;
		double		t0,
					t1,
					t2;

		memset(&st, 0, sizeof(st));
		if (json == NULL)
		{
			printf("cannot read %s\n", files[i]);
			bad++;
			continue;
		}
		cl_arena_init(&arena, &cl_malloc_allocator, 65536);
		cl_buf_init(&xml, &cl_malloc_allocator, 0);
		cl_buf_init(&back, &cl_malloc_allocator, 0);
		if (!cl_json_tree(json, len, &arena, &root, &err))
		{
			printf("%s: JSON ERROR %s\n", files[i], err.message);
			bad++;
		}
		else
		{
			t0 = now();
			if (!fhir_json_to_xml(&root, &xml, &err))
			{
				printf("%s: j2x ERROR %s\n", files[i], err.message);
				bad++;
			}
			else
			{
				t1 = now();
				if (!fhir_xml_to_json(xml.data, xml.len, &cl_malloc_allocator,
									  &back, &err))
				{
					printf("%s: x2j ERROR %s\n", files[i], err.message);
					bad++;
				}
				else
				{
					t2 = now();
					t_j2x += t1 - t0;
					t_x2j += t2 - t1;
					jbytes += len;
					xbytes += xml.len;
					if (cmp_json(&st, back.data, back.len, json, len))
						ok++;
					else
					{
						printf("%s: DIFF %s\n", files[i], st.where);
						bad++;
					}
				}
			}
		}
		cl_buf_free(&xml);
		cl_buf_free(&back);
		cl_arena_reset(&arena);
		free(json);
	}
	printf("JSON->XML->JSON: %d equal, %d failed; JSON->XML %.1f MB/s of JSON, "
		   "XML->JSON %.1f MB/s of XML (%.1f MB JSON, %.1f MB XML)\n",
		   ok, bad, jbytes / 1e6 / (t_j2x > 0 ? t_j2x : 1),
		   xbytes / 1e6 / (t_x2j > 0 ? t_x2j : 1), jbytes / 1e6, xbytes / 1e6);
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	int			iters = 20;
	bool		verbose = false;
	const char *dir = NULL;
	char		path[4096];
	DIR		   *d;
	struct dirent *de;
	char	  **names = NULL;
	size_t		nnames = 0,
				cap = 0;
	char	  **xmls;
	size_t	   *xlens;
	char	  **jsons;
	size_t	   *jlens;
	int			x2j_ok = 0,
				x2j_err = 0,
				x2j_diff = 0,
				rt_ok = 0,
				rt_err = 0,
				rt_diff = 0;
	int			x2j_divnorm = 0,
				rt_divnorm = 0,
				x2j_divq = 0,
				rt_divq = 0,
				x2j_metaswap = 0;
	size_t		total_xml = 0,
				total_json = 0;
	double		t0,
				t1;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-rt") == 0)
			return round_trip_files(argc - i - 1, argv + i + 1);
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			iters = atoi(argv[++i]);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else
			dir = argv[i];
	}
	if (dir == NULL)
	{
		fprintf(stderr, "usage: fhir_xml_bench [-n N] [-v] DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/xml", dir);
	d = opendir(path);
	if (d == NULL)
	{
		fprintf(stderr, "cannot open %s\n", path);
		return 2;
	}
	while ((de = readdir(d)) != NULL)
	{
		size_t		l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".xml") != 0)
			continue;
		if (nnames == cap)
		{
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(char *));
		}
		names[nnames++] = strndup(de->d_name, l - 4);
	}
	closedir(d);
	qsort(names, nnames, sizeof(char *), cmp_names);
	xmls = calloc(nnames, sizeof(char *));
	xlens = calloc(nnames, sizeof(size_t));
	jsons = calloc(nnames, sizeof(char *));
	jlens = calloc(nnames, sizeof(size_t));

	for (size_t i = 0; i < nnames; i++)
	{
		cl_buf		out,
					xml,
					back;
		cl_error	err;
		cmp_state	st;
		cl_arena	arena;
		cl_node		root;

		memset(&st, 0, sizeof(st));
		st.verbose = verbose;
		snprintf(path, sizeof(path), "%s/xml/%s.xml", dir, names[i]);
		xmls[i] = read_file(path, &xlens[i]);
		snprintf(path, sizeof(path), "%s/json/%s.json", dir, names[i]);
		jsons[i] = read_file(path, &jlens[i]);
		if (xmls[i] == NULL || jsons[i] == NULL)
		{
			fprintf(stderr, "%s: cannot read the pair\n", names[i]);
			continue;
		}
		total_xml += xlens[i];
		total_json += jlens[i];

		/* (1) XML -> JSON against the official JSON */
		cl_buf_init(&out, &cl_malloc_allocator, 0);
		if (!fhir_xml_to_json(xmls[i], xlens[i], &cl_malloc_allocator, &out, &err))
		{
			x2j_err++;
			printf("x2j ERROR %s: %s\n", names[i], err.message);
		}
		else if (!cmp_json(&st, out.data, out.len, jsons[i], jlens[i]))
		{
			x2j_diff++;
			printf("x2j DIFF %s: %s\n", names[i], st.where);
		}
		else
		{
			x2j_ok++;
			if (st.meta_swapped)
				x2j_metaswap++;
			if (st.div_quotes)
				x2j_divq++;
			if (st.div_normalised)
			{
				x2j_divnorm++;
				if (verbose)
					printf("x2j div-ws %s\n", names[i]);
			}
		}
		cl_buf_free(&out);

		/* (2) official JSON -> XML -> JSON */
		st.div_normalised = 0;
		st.div_quotes = 0;
		st.meta_swapped = 0;
		cl_arena_init(&arena, &cl_malloc_allocator, 65536);
		cl_buf_init(&xml, &cl_malloc_allocator, 0);
		cl_buf_init(&back, &cl_malloc_allocator, 0);
		if (!cl_json_tree(jsons[i], jlens[i], &arena, &root, &err))
		{
			rt_err++;
			printf("rt JSON ERROR %s: %s\n", names[i], err.message);
		}
		else if (!fhir_json_to_xml(&root, &xml, &err))
		{
			rt_err++;
			printf("j2x ERROR %s: %s\n", names[i], err.message);
		}
		else if (!fhir_xml_to_json(xml.data, xml.len, &cl_malloc_allocator, &back, &err))
		{
			rt_err++;
			printf("rt x2j ERROR %s: %s\n", names[i], err.message);
		}
		else if (!cmp_json(&st, back.data, back.len, jsons[i], jlens[i]))
		{
			rt_diff++;
			printf("rt DIFF %s: %s\n", names[i], st.where);
		}
		else
		{
			rt_ok++;
			if (st.div_quotes)
				rt_divq++;
			if (st.div_normalised)
				rt_divnorm++;
		}
		cl_buf_free(&xml);
		cl_buf_free(&back);
		cl_arena_reset(&arena);
	}
	printf("pairs: %zu (%.1f MB XML, %.1f MB JSON)\n", nnames,
		   total_xml / 1e6, total_json / 1e6);
	printf("XML->JSON vs official JSON: %d equal (%d of them only after div "
		   "whitespace collapse), %d differ, %d errors\n",
		   x2j_ok, x2j_divnorm, x2j_diff, x2j_err);
	printf("  of the equal: %d only with XML meta.security read as JSON meta.tag "
		   "(a discrepancy of the data set), %d only with &quot;/&apos; in the "
		   "official div read as \"/'\n", x2j_metaswap, x2j_divq);
	printf("JSON->XML->JSON round trip: %d equal (%d after div whitespace "
		   "collapse, %d after &quot; -> \"), %d differ, %d errors\n",
		   rt_ok, rt_divnorm, rt_divq, rt_diff, rt_err);

	if (iters > 0)
	{
		size_t		bytes = 0;
		cl_buf		out;
		cl_error	err;

		/* XML -> JSON throughput */
		cl_buf_init(&out, &cl_malloc_allocator, 1 << 20);
		t0 = now();
		for (int it = 0; it < iters; it++)
			for (size_t i = 0; i < nnames; i++)
			{
				if (xmls[i] == NULL)
					continue;
				out.len = 0;
				if (fhir_xml_to_json(xmls[i], xlens[i], &cl_malloc_allocator, &out, &err))
					bytes += xlens[i];
			}
		t1 = now();
		printf("XML->JSON: %.1f MB/s of XML (%.0f documents/s)\n",
			   bytes / 1e6 / (t1 - t0), iters * (double) nnames / (t1 - t0));

		/* JSON -> XML throughput (tree built once per document, not timed) */
		{
			cl_arena   *arenas = calloc(nnames, sizeof(cl_arena));
			cl_node    *roots = calloc(nnames, sizeof(cl_node));
			bool	   *okk = calloc(nnames, sizeof(bool));

			for (size_t i = 0; i < nnames; i++)
			{
				cl_arena_init(&arenas[i], &cl_malloc_allocator, 65536);
				okk[i] = jsons[i] && cl_json_tree(jsons[i], jlens[i], &arenas[i], &roots[i], &err);
			}
			bytes = 0;
			t0 = now();
			for (int it = 0; it < iters; it++)
				for (size_t i = 0; i < nnames; i++)
				{
					if (!okk[i])
						continue;
					out.len = 0;
					if (fhir_json_to_xml(&roots[i], &out, &err))
						bytes += jlens[i];
				}
			t1 = now();
			printf("JSON->XML: %.1f MB/s of JSON (%.0f documents/s, tree "
				   "built beforehand)\n",
				   bytes / 1e6 / (t1 - t0), iters * (double) nnames / (t1 - t0));
			for (size_t i = 0; i < nnames; i++)
				cl_arena_reset(&arenas[i]);
			free(arenas);
			free(roots);
			free(okk);
		}
		cl_buf_free(&out);
	}
	for (size_t i = 0; i < nnames; i++)
	{
		free(names[i]);
		free(xmls[i]);
		free(jsons[i]);
	}
	free(names);
	free(xmls);
	free(xlens);
	free(jsons);
	free(jlens);
	return (x2j_err + x2j_diff + rt_err + rt_diff) ? 1 : 0;
}
