/*
 * identity.c
 *		The identity record: normalisation of the fields, match keys, the
 *		flat serialised form (see clinical/match.h) and the text form.
 */
#include <stdio.h>
#include <stdlib.h>

#include "match_internal.h"

#define ID_HEADER 12
#define ID_NSTRINGS 12			/* fixed strings before the identifiers */

static uint32_t
fnv1a(const unsigned char *p, size_t n)
{
	uint32_t	h = 2166136261u;

	for (size_t i = 0; i < n; i++)
	{
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t
cl_block_key_hash(const char *key, size_t len)
{
	return fnv1a((const unsigned char *) key, len);
}

static bool
put_u16(cl_buf *out, unsigned v)
{
	char		b[2] = {(char) (v & 0xFF), (char) ((v >> 8) & 0xFF)};

	return cl_buf_append(out, b, 2);
}

static unsigned
get_u16(const unsigned char *p)
{
	return (unsigned) p[0] | ((unsigned) p[1] << 8);
}

static bool
put_str(cl_buf *out, const char *s, size_t n)
{
	put_u16(out, (unsigned) n);
	cl_buf_append(out, s, n);
	return cl_buf_append_char(out, '\0');
}

static bool
ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
	{
		char		x = (*a >= 'A' && *a <= 'Z') ? (char) (*a + 32) : *a;

		if (x != *b)
			return false;
	}
	return *a == '\0' && *b == '\0';
}

/* maps a sex code; false when it is not one we know */
static bool
map_sex(const char *s, char *out)
{
	const char *e;
	char		t[16];
	size_t		n;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		e--;
	n = (size_t) (e - s);
	if (n >= sizeof(t))
		return false;
	memcpy(t, s, n);
	t[n] = '\0';
	if (n == 0 || ascii_ieq(t, "u") || ascii_ieq(t, "unknown") || ascii_ieq(t, "n"))
		*out = '\0';
	else if (ascii_ieq(t, "m") || ascii_ieq(t, "male"))
		*out = 'm';
	else if (ascii_ieq(t, "f") || ascii_ieq(t, "female"))
		*out = 'f';
	else if (ascii_ieq(t, "o") || ascii_ieq(t, "other") || ascii_ieq(t, "a"))
		*out = 'o';
	else
		return false;
	return true;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* the normalised fields of an identity under construction */
typedef struct id_work
{
	cl_buf		f[6];			/* family given address city postal phone */
	cl_buf		ids;			/* identifiers, NUL-separated */
	const char **idp;
	int			nid;
} id_work;

static void
work_free(id_work *w)
{
	for (int i = 0; i < 6; i++)
		cl_buf_free(&w->f[i]);
	cl_buf_free(&w->ids);
	if (w->idp)
		cl_free(w->ids.alloc, (void *) w->idp);
}

static const char *const field_names[6] = {
	"family", "given", "address", "city", "postal_code", "phone"
};

bool
cl_identity_build(const cl_identity_input *in, cl_buf *out, cl_error *err)
{
	const cl_allocator *a = out->alloc;
	id_work		w;
	char		sex = '\0';
	int			y = in->birth_year;
	int			m = in->birth_month;
	int			d = in->birth_day;
	char		fdm[2][CL_DMETAPHONE_LEN + 1];
	char		gdm[2][CL_DMETAPHONE_LEN + 1];
	cl_buf		ny[2];
	size_t		start = out->len;
	size_t		glen;
	bool		ok = false;
	uint32_t	h;

	memset(&w, 0, sizeof(w));
	for (int i = 0; i < 6; i++)
		cl_buf_init(&w.f[i], a, 32);
	cl_buf_init(&w.ids, a, 32);
	cl_buf_init(&ny[0], a, 16);
	cl_buf_init(&ny[1], a, 16);

	if (y == 0)
		m = d = 0;
	else if (!cl_date_valid(y, m, d))
	{
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
					 "birth_date is not a valid date");
		cl_error_where(err, "birth_date");
		goto done;
	}
	if (in->sex && !map_sex(in->sex, &sex))
	{
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
					 "sex is not a known administrative sex code");
		cl_error_where(err, "sex");
		cl_error_hint(err, "Use male, female, other or unknown (or M, F, O, U).");
		goto done;
	}
	if (in->family)
		cl_name_normalize(in->family, strlen(in->family), &w.f[0]);
	if (in->given)
		cl_name_normalize(in->given, strlen(in->given), &w.f[1]);
	if (in->address)
		cl_text_normalize(in->address, strlen(in->address), true, &w.f[2]);
	if (in->city)
		cl_text_normalize(in->city, strlen(in->city), false, &w.f[3]);
	if (in->postal_code)
	{
		for (const char *p = in->postal_code; *p; p++)
		{
			char		c = *p;

			if (c >= 'a' && c <= 'z')
				c = (char) (c - 32);
			if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
				cl_buf_append_char(&w.f[4], c);
		}
	}
	if (in->phone)
	{
		for (const char *p = in->phone; *p; p++)
			if (*p >= '0' && *p <= '9')
				cl_buf_append_char(&w.f[5], *p);
	}
	for (int i = 0; i < 6; i++)
	{
		if (w.f[i].failed)
		{
			cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
			goto done;
		}
		if (w.f[i].len > CL_IDENTITY_MAX_FIELD)
		{
			cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
						 "%s is longer than %d bytes after normalisation",
						 field_names[i], CL_IDENTITY_MAX_FIELD);
			cl_error_where(err, "%s", field_names[i]);
			goto done;
		}
	}

	/* identifiers: trimmed, "system|value", sorted, distinct */
	if (in->n_identifiers > 0 && in->identifiers)
	{
		size_t	   *offs;
		int			n = 0;

		offs = cl_alloc(a, sizeof(size_t) * (size_t) in->n_identifiers);
		w.idp = cl_alloc(a, sizeof(char *) * (size_t) in->n_identifiers);
		if (!offs || !w.idp)
		{
			if (offs)
				cl_free(a, offs);
			cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
			goto done;
		}
		for (int i = 0; i < in->n_identifiers; i++)
		{
			const char *s = in->identifiers[i];
			const char *e;

			if (s == NULL)
				continue;
			while (*s == ' ' || *s == '\t')
				s++;
			e = s + strlen(s);
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e == s || e[-1] == '|')
				continue;		/* empty value: missing */
			if ((size_t) (e - s) > CL_IDENTITY_MAX_FIELD)
			{
				cl_free(a, offs);
				cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
							 "identifier %d is longer than %d bytes", i + 1,
							 CL_IDENTITY_MAX_FIELD);
				cl_error_where(err, "identifiers");
				goto done;
			}
			if (cl_utf8_validate(s, (size_t) (e - s)) != CL_NO_OFFSET)
			{
				cl_free(a, offs);
				cl_error_set(err, CL_ERR_ENCODING, CL_NO_OFFSET,
							 "identifier %d is not valid UTF-8", i + 1);
				cl_error_where(err, "identifiers");
				goto done;
			}
			offs[n++] = w.ids.len;
			if (memchr(s, '|', (size_t) (e - s)) == NULL)
				cl_buf_append_char(&w.ids, '|');
			cl_buf_append(&w.ids, s, (size_t) (e - s));
			cl_buf_append_char(&w.ids, '\0');
		}
		if (w.ids.failed)
		{
			cl_free(a, offs);
			cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
			goto done;
		}
		for (int i = 0; i < n; i++)
			w.idp[i] = w.ids.data + offs[i];
		cl_free(a, offs);
		qsort(w.idp, (size_t) n, sizeof(char *), cmp_cstr);
		for (int i = 0; i < n; i++)
			if (w.nid == 0 || strcmp(w.idp[w.nid - 1], w.idp[i]) != 0)
				w.idp[w.nid++] = w.idp[i];
		if (w.nid > CL_IDENTITY_MAX_IDENTIFIERS)
		{
			cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
						 "more than %d distinct identifiers",
						 CL_IDENTITY_MAX_IDENTIFIERS);
			cl_error_where(err, "identifiers");
			goto done;
		}
	}

	/* match keys */
	cl_dmetaphone(w.f[0].data, w.f[0].len, fdm[0], fdm[1]);
	glen = cl_match_first_word_len(w.f[1].data);
	cl_dmetaphone(w.f[1].data, glen, gdm[0], gdm[1]);
	cl_nysiis(w.f[0].data, w.f[0].len, CL_NYSIIS_KEY_LEN, &ny[0]);
	cl_nysiis(w.f[1].data, glen, CL_NYSIIS_KEY_LEN, &ny[1]);

	/* serialise */
	{
		char		hdr[ID_HEADER];

		hdr[0] = 'P';
		hdr[1] = 'I';
		hdr[2] = CL_IDENTITY_VERSION;
		hdr[3] = 0;
		hdr[4] = (char) (y & 0xFF);
		hdr[5] = (char) ((y >> 8) & 0xFF);
		hdr[6] = (char) m;
		hdr[7] = (char) d;
		hdr[8] = sex;
		hdr[9] = (char) w.nid;
		hdr[10] = hdr[11] = 0;
		cl_buf_append(out, hdr, ID_HEADER);
	}
	for (int i = 0; i < 6; i++)
		put_str(out, w.f[i].data, w.f[i].len);
	put_str(out, fdm[0], strlen(fdm[0]));
	put_str(out, fdm[1], strlen(fdm[1]));
	put_str(out, gdm[0], strlen(gdm[0]));
	put_str(out, gdm[1], strlen(gdm[1]));
	put_str(out, ny[0].data, ny[0].len);
	put_str(out, ny[1].data, ny[1].len);
	for (int i = 0; i < w.nid; i++)
		put_str(out, w.idp[i], strlen(w.idp[i]));
	if (out->failed || ny[0].failed || ny[1].failed)
	{
		cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
		goto done;
	}
	h = fnv1a((const unsigned char *) out->data + start, out->len - start);
	{
		char		t[4] = {(char) (h & 0xFF), (char) ((h >> 8) & 0xFF),
		(char) ((h >> 16) & 0xFF), (char) ((h >> 24) & 0xFF)};

		cl_buf_append(out, t, 4);
	}
	ok = !out->failed;
	if (!ok)
		cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
done:
	if (!ok && !out->failed)
		out->len = start;
	cl_buf_free(&ny[0]);
	cl_buf_free(&ny[1]);
	work_free(&w);
	return ok;
}

static bool
corrupt(cl_error *err, const char *what)
{
	return cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET,
						"corrupt patient_identity value: %s", what);
}

bool
cl_identity_decode(const void *bytes, size_t len, int verify,
				   const cl_allocator *alloc, cl_identity *id, cl_error *err)
{
	const unsigned char *b = bytes;
	const unsigned char *end;
	size_t		pos = ID_HEADER;
	const char *strs[ID_NSTRINGS];
	size_t		lens[ID_NSTRINGS];
	int			nid;

	memset(id, 0, sizeof(*id));
	if (len < ID_HEADER + ID_NSTRINGS * 3 + 4)
		return corrupt(err, "too short");
	if (b[0] != 'P' || b[1] != 'I')
		return corrupt(err, "bad magic");
	if (b[2] != CL_IDENTITY_VERSION)
		return cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET,
							"unsupported patient_identity version %d", b[2]);
	if (b[3] != 0 || b[10] != 0 || b[11] != 0)
		return corrupt(err, "reserved bits set");
	end = b + len - 4;
	id->birth_year = (int) get_u16(b + 4);
	id->birth_month = b[6];
	id->birth_day = b[7];
	if (id->birth_year == 0 ? (id->birth_month || id->birth_day)
		: !cl_date_valid(id->birth_year, id->birth_month, id->birth_day))
		return corrupt(err, "bad birth date");
	if (b[8] != 0 && b[8] != 'm' && b[8] != 'f' && b[8] != 'o')
		return corrupt(err, "bad sex code");
	id->sex = (char) b[8];
	nid = b[9];
	if (nid > CL_IDENTITY_MAX_IDENTIFIERS)
		return corrupt(err, "too many identifiers");
	for (int i = 0; i < ID_NSTRINGS + nid; i++)
	{
		size_t		n;
		const char *s;

		if ((size_t) (end - (b + pos)) < 3)
			return corrupt(err, "truncated");
		n = get_u16(b + pos);
		if ((size_t) (end - (b + pos)) < n + 3)
			return corrupt(err, "truncated");
		s = (const char *) b + pos + 2;
		if (s[n] != '\0' || memchr(s, '\0', n) != NULL)
			return corrupt(err, "bad string terminator");
		if (cl_utf8_validate(s, n) != CL_NO_OFFSET)
			return corrupt(err, "invalid UTF-8");
		if (i < ID_NSTRINGS)
		{
			strs[i] = s;
			lens[i] = n;
		}
		else
		{
			if (memchr(s, '|', n) == NULL || n == 0)
				return corrupt(err, "bad identifier");
			if (i > ID_NSTRINGS && strcmp(id->identifiers[i - ID_NSTRINGS - 1], s) >= 0)
				return corrupt(err, "identifiers out of order");
			id->identifiers[i - ID_NSTRINGS] = s;
		}
		pos += n + 3;
	}
	if (b + pos != end)
		return corrupt(err, "trailing bytes");
	for (int i = 6; i < 10; i++)
		if (lens[i] > CL_DMETAPHONE_LEN)
			return corrupt(err, "bad match key");
	for (int i = 10; i < 12; i++)
		if (lens[i] > CL_NYSIIS_KEY_LEN)
			return corrupt(err, "bad match key");
	id->family = strs[0];
	id->given = strs[1];
	id->address = strs[2];
	id->city = strs[3];
	id->postal_code = strs[4];
	id->phone = strs[5];
	memcpy(id->family_dm[0], strs[6], lens[6] + 1);
	memcpy(id->family_dm[1], strs[7], lens[7] + 1);
	memcpy(id->given_dm[0], strs[8], lens[8] + 1);
	memcpy(id->given_dm[1], strs[9], lens[9] + 1);
	memcpy(id->family_nysiis, strs[10], lens[10] + 1);
	memcpy(id->given_nysiis, strs[11], lens[11] + 1);
	id->n_identifiers = nid;

	if (verify & CL_IDENTITY_VERIFY_CHECKSUM)
	{
		uint32_t	h = fnv1a(b, len - 4);
		uint32_t	stored = (uint32_t) end[0] | ((uint32_t) end[1] << 8) |
			((uint32_t) end[2] << 16) | ((uint32_t) end[3] << 24);

		if (h != stored)
			return corrupt(err, "checksum mismatch");
	}
	if (verify & CL_IDENTITY_VERIFY_KEYS)
	{
		cl_identity_input in;
		cl_buf		again;
		char		sx[2] = {id->sex, '\0'};
		bool		same;

		memset(&in, 0, sizeof(in));
		in.family = id->family;
		in.given = id->given;
		in.address = id->address;
		in.city = id->city;
		in.postal_code = id->postal_code;
		in.phone = id->phone;
		in.birth_year = id->birth_year;
		in.birth_month = id->birth_month;
		in.birth_day = id->birth_day;
		in.sex = sx;
		in.identifiers = id->identifiers;
		in.n_identifiers = id->n_identifiers;
		if (alloc == NULL)
			return cl_error_set(err, CL_ERR_INTERNAL, CL_NO_OFFSET,
								"key verification needs an allocator");
		cl_buf_init(&again, alloc, len + 16);
		if (!cl_identity_build(&in, &again, err))
		{
			cl_buf_free(&again);
			if (err->code == CL_ERR_NOMEM)
				return false;
			return corrupt(err, "fields do not rebuild");
		}
		same = again.len == len && memcmp(again.data, b, len - 4) == 0;
		cl_buf_free(&again);
		if (!same)
			return corrupt(err, "fields or match keys are not normalised");
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Text form
 * ------------------------------------------------------------------------ */

static void
put_escaped(cl_buf *out, const char *s)
{
	for (; *s; s++)
	{
		if (*s == ',' || *s == ')' || *s == ']' || *s == '=' || *s == '\\' ||
			*s == '(' || *s == '[')
			cl_buf_append_char(out, '\\');
		cl_buf_append_char(out, *s);
	}
}

static void
put_field(cl_buf *out, bool *first, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	if (!*first)
		cl_buf_append_str(out, ", ");
	*first = false;
	cl_buf_append_str(out, name);
	cl_buf_append_char(out, '=');
	put_escaped(out, value);
}

bool
cl_identity_to_text(const cl_identity *id, bool with_keys, cl_buf *out)
{
	bool		first = true;
	char		date[40];
	char		sx[2] = {id->sex, '\0'};

	cl_buf_append_char(out, '(');
	put_field(out, &first, "family", id->family);
	put_field(out, &first, "given", id->given);
	if (id->birth_year > 0)
	{
		if (id->birth_month == 0)
			snprintf(date, sizeof(date), "%04d", id->birth_year);
		else if (id->birth_day == 0)
			snprintf(date, sizeof(date), "%04d-%02d", id->birth_year, id->birth_month);
		else
			snprintf(date, sizeof(date), "%04d-%02d-%02d", id->birth_year,
					 id->birth_month, id->birth_day);
		put_field(out, &first, "birth_date", date);
	}
	put_field(out, &first, "sex", sx);
	put_field(out, &first, "address", id->address);
	put_field(out, &first, "city", id->city);
	put_field(out, &first, "postal_code", id->postal_code);
	put_field(out, &first, "phone", id->phone);
	if (id->n_identifiers > 0)
	{
		if (!first)
			cl_buf_append_str(out, ", ");
		first = false;
		cl_buf_append_str(out, "identifiers=[");
		for (int i = 0; i < id->n_identifiers; i++)
		{
			if (i > 0)
				cl_buf_append_str(out, ", ");
			put_escaped(out, id->identifiers[i]);
		}
		cl_buf_append_char(out, ']');
	}
	if (with_keys)
	{
		if (!first)
			cl_buf_append_str(out, ", ");
		cl_buf_printf(out, "keys=[family_dm=%s/%s, given_dm=%s/%s, family_nysiis=%s, given_nysiis=%s]",
					  id->family_dm[0], id->family_dm[1], id->given_dm[0],
					  id->given_dm[1], id->family_nysiis, id->given_nysiis);
	}
	cl_buf_append_char(out, ')');
	return !out->failed;
}

/*
 * read_value
 *		Reads an escaped value up to an unescaped ',' ')' or ']' into buf
 *		(NUL-separated); returns the position after it.
 */
static size_t
read_value(const char *s, size_t len, size_t p, cl_buf *buf)
{
	while (p < len && s[p] == ' ')
		p++;
	while (p < len && s[p] != ',' && s[p] != ')' && s[p] != ']')
	{
		if (s[p] == '\\' && p + 1 < len)
			p++;
		cl_buf_append_char(buf, s[p]);
		p++;
	}
	/* trailing spaces are not part of a value */
	while (buf->len > 0 && buf->data[buf->len - 1] == ' ')
		buf->len--;
	cl_buf_append_char(buf, '\0');
	return p;
}

static bool
parse_date(const char *v, int *y, int *m, int *d)
{
	char	   *e;
	long		a;
	long		b = 0;
	long		c = 0;

	a = strtol(v, &e, 10);
	if (e == v || a < 1 || a > 9999)
		return false;
	if (*e == '-')
	{
		v = e + 1;
		b = strtol(v, &e, 10);
		if (e == v)
			return false;
		if (*e == '-')
		{
			v = e + 1;
			c = strtol(v, &e, 10);
			if (e == v)
				return false;
		}
	}
	if (*e != '\0' || !cl_date_valid((int) a, (int) b, (int) c))
		return false;
	*y = (int) a;
	*m = (int) b;
	*d = (int) c;
	return true;
}

bool
cl_identity_from_text(const char *s, size_t len, cl_buf *out, cl_error *err)
{
	static const char *const names[] = {
		"family", "given", "birth_date", "sex", "address", "city",
		"postal_code", "phone", "identifiers", "keys"
	};
	cl_buf		vals;
	size_t		voff[8];
	bool		seen[10] = {false};
	size_t		idoff[CL_IDENTITY_MAX_IDENTIFIERS + 1];
	const char *idp[CL_IDENTITY_MAX_IDENTIFIERS + 1];
	int			nid = 0;
	size_t		p = 0;
	cl_identity_input in;
	bool		ok = false;

	memset(&in, 0, sizeof(in));
	cl_buf_init(&vals, out->alloc, len + 16);
	while (p < len && s[p] == ' ')
		p++;
	if (p >= len || s[p] != '(')
	{
		cl_error_set(err, CL_ERR_SYNTAX, p < len ? p : CL_NO_OFFSET,
					 "patient_identity text must start with \"(\"");
		goto done;
	}
	p++;
	for (;;)
	{
		size_t		k0;
		int			f = -1;

		while (p < len && s[p] == ' ')
			p++;
		if (p < len && s[p] == ')' && !seen[0] && !seen[1] && nid == 0 &&
			vals.len == 0)
			break;				/* "()": everything missing */
		k0 = p;
		while (p < len && s[p] != '=' && s[p] != ',' && s[p] != ')' && s[p] != ' ')
			p++;
		for (int i = 0; i < 10; i++)
			if (strlen(names[i]) == p - k0 && memcmp(names[i], s + k0, p - k0) == 0)
				f = i;
		while (p < len && s[p] == ' ')
			p++;
		if (f < 0 || p >= len || s[p] != '=' || seen[f])
		{
			cl_error_set(err, CL_ERR_SYNTAX, k0,
						 f < 0 ? "unknown patient_identity field" :
						 seen[f] ? "patient_identity field given twice" :
						 "expected \"=\" after a patient_identity field name");
			cl_error_hint(err, "Fields: family, given, birth_date, sex, address, city, postal_code, phone, identifiers=[system|value, ...].");
			goto done;
		}
		seen[f] = true;
		p++;
		if (f >= 8)
		{
			while (p < len && s[p] == ' ')
				p++;
			if (p >= len || s[p] != '[')
			{
				cl_error_set(err, CL_ERR_SYNTAX, p, "expected \"[\"");
				goto done;
			}
			p++;
			for (;;)
			{
				size_t		o = vals.len;

				p = read_value(s, len, p, &vals);
				if (f == 8 && vals.data[o] != '\0')
				{
					if (nid >= CL_IDENTITY_MAX_IDENTIFIERS)
					{
						cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
									 "more than %d identifiers",
									 CL_IDENTITY_MAX_IDENTIFIERS);
						goto done;
					}
					idoff[nid++] = o;
				}
				if (p < len && s[p] == ',')
				{
					p++;
					continue;
				}
				break;
			}
			if (p >= len || s[p] != ']')
			{
				cl_error_set(err, CL_ERR_SYNTAX, p < len ? p : CL_NO_OFFSET,
							 "expected \"]\"");
				goto done;
			}
			p++;
		}
		else
		{
			voff[f] = vals.len;
			p = read_value(s, len, p, &vals);
		}
		while (p < len && s[p] == ' ')
			p++;
		if (p < len && s[p] == ',')
		{
			p++;
			continue;
		}
		break;
	}
	if (p >= len || s[p] != ')')
	{
		cl_error_set(err, CL_ERR_SYNTAX, p < len ? p : CL_NO_OFFSET,
					 "expected \",\" or \")\" in patient_identity text");
		goto done;
	}
	p++;
	while (p < len && s[p] == ' ')
		p++;
	if (p != len)
	{
		cl_error_set(err, CL_ERR_SYNTAX, p, "junk after patient_identity text");
		goto done;
	}
	if (vals.failed)
	{
		cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
		goto done;
	}
#define VAL(i) (seen[i] ? vals.data + voff[i] : NULL)
	in.family = VAL(0);
	in.given = VAL(1);
	in.sex = VAL(3);
	in.address = VAL(4);
	in.city = VAL(5);
	in.postal_code = VAL(6);
	in.phone = VAL(7);
	if (seen[2] && vals.data[voff[2]] != '\0' &&
		!parse_date(vals.data + voff[2], &in.birth_year, &in.birth_month, &in.birth_day))
	{
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
					 "birth_date is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)");
		cl_error_where(err, "birth_date");
		goto done;
	}
#undef VAL
	for (int i = 0; i < nid; i++)
		idp[i] = vals.data + idoff[i];
	in.identifiers = idp;
	in.n_identifiers = nid;
	ok = cl_identity_build(&in, out, err);
done:
	cl_buf_free(&vals);
	return ok;
}

static int
cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

int
cl_identity_compare(const cl_identity *a, const cl_identity *b)
{
	const char *const fa[] = {a->family, a->given};
	const char *const fb[] = {b->family, b->given};
	const char *const ra[] = {a->postal_code, a->city, a->address, a->phone};
	const char *const rb[] = {b->postal_code, b->city, b->address, b->phone};
	int			c;

	for (int k = 0; k < 2; k++)
		if ((c = strcmp(fa[k], fb[k])) != 0)
			return c;
	if ((c = cmp_int(a->birth_year, b->birth_year)) != 0 ||
		(c = cmp_int(a->birth_month, b->birth_month)) != 0 ||
		(c = cmp_int(a->birth_day, b->birth_day)) != 0 ||
		(c = cmp_int((unsigned char) a->sex, (unsigned char) b->sex)) != 0)
		return c;
	for (int k = 0; k < 4; k++)
		if ((c = strcmp(ra[k], rb[k])) != 0)
			return c;
	for (int k = 0; k < a->n_identifiers && k < b->n_identifiers; k++)
		if ((c = strcmp(a->identifiers[k], b->identifiers[k])) != 0)
			return c;
	return cmp_int(a->n_identifiers, b->n_identifiers);
}
