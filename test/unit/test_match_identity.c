/*
 * test_match_identity.c
 *		The identity record: building, serialisation round trip, rejection
 *		of corrupt bytes, text form.
 */
#include <stdlib.h>

#include "clinical/match.h"
#include "unit.h"

static bool
build(const cl_identity_input *in, cl_buf *out, cl_error *err)
{
	cl_buf_init(out, &cl_malloc_allocator, 64);
	cl_error_clear(err);
	return cl_identity_build(in, out, err);
}

static void
sample_input(cl_identity_input *in)
{
	static const char *const ids[] = {"ssn|123-45-6789", " mrn|A42 ", "ssn|123-45-6789", "", "X77"};

	memset(in, 0, sizeof(*in));
	in->family = "O'Brien-Smith";
	in->given = "Dr. Mary Ann";
	in->birth_year = 1970;
	in->birth_month = 5;
	in->birth_day = 3;
	in->sex = "Female";
	in->address = "12 Tullaroop Street";
	in->city = "St. James";
	in->postal_code = "sw1a 1aa";
	in->phone = "+61 (2) 9876-5432";
	in->identifiers = ids;
	in->n_identifiers = 5;
}

TEST(match_identity_build_decode)
{
	cl_identity_input in;
	cl_buf		b;
	cl_error	err;
	cl_identity id;

	sample_input(&in);
	CHECK(build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, CL_IDENTITY_VERIFY_ALL,
							 &cl_malloc_allocator, &id, &err));
	CHECK_STR(id.family, "obrien smith");
	CHECK_STR(id.given, "mary ann");
	CHECK_STR(id.address, "12 tullaroop st");
	CHECK_STR(id.city, "st james");
	CHECK_STR(id.postal_code, "SW1A1AA");
	CHECK_STR(id.phone, "61298765432");
	CHECK_INT(id.birth_year, 1970);
	CHECK_INT(id.birth_month, 5);
	CHECK_INT(id.birth_day, 3);
	CHECK_INT(id.sex, 'f');
	CHECK_INT(id.n_identifiers, 3);
	CHECK_STR(id.identifiers[0], "mrn|A42");
	CHECK_STR(id.identifiers[1], "ssn|123-45-6789");
	CHECK_STR(id.identifiers[2], "|X77");
	CHECK_STR(id.family_dm[0], "APRN");
	CHECK_STR(id.given_dm[0], "MR");
	CHECK_STR(id.given_nysiis, "MARY");
	/* the build is deterministic */
	{
		cl_buf		b2;

		CHECK(build(&in, &b2, &err));
		CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
		cl_buf_free(&b2);
	}
	cl_buf_free(&b);
}

TEST(match_identity_empty_and_missing)
{
	cl_identity_input in;
	cl_buf		b;
	cl_error	err;
	cl_identity id;

	memset(&in, 0, sizeof(in));
	CHECK(build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, CL_IDENTITY_VERIFY_ALL,
							 &cl_malloc_allocator, &id, &err));
	CHECK_STR(id.family, "");
	CHECK_INT(id.birth_year, 0);
	CHECK_INT(id.sex, 0);
	CHECK_INT(id.n_identifiers, 0);
	cl_buf_free(&b);
	/* empty strings and "unknown" are missing, never errors */
	in.family = "";
	in.given = "  ";
	in.sex = "unknown";
	in.birth_month = 7;			/* ignored without a year */
	CHECK(build(&in, &b, &err));
	cl_buf_free(&b);
	/* partial dates */
	in.birth_year = 1980;
	in.birth_month = 2;
	in.birth_day = 0;
	CHECK(build(&in, &b, &err));
	cl_buf_free(&b);
}

TEST(match_identity_bad_input)
{
	cl_identity_input in;
	cl_buf		b;
	cl_error	err;

	memset(&in, 0, sizeof(in));
	in.birth_year = 1970;
	in.birth_month = 2;
	in.birth_day = 30;
	CHECK(!build(&in, &b, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	CHECK_STR(err.where, "birth_date");
	CHECK_INT(b.len, 0);
	cl_buf_free(&b);

	memset(&in, 0, sizeof(in));
	in.sex = "robot";
	CHECK(!build(&in, &b, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	CHECK_STR(err.where, "sex");
	CHECK(strstr(err.message, "robot") == NULL);	/* no data quoted */
	cl_buf_free(&b);

	memset(&in, 0, sizeof(in));
	{
		const char *ids[40];
		char		store[40][16];

		for (int i = 0; i < 40; i++)
		{
			snprintf(store[i], sizeof(store[i]), "s|%d", i);
			ids[i] = store[i];
		}
		in.identifiers = ids;
		in.n_identifiers = 40;
		CHECK(!build(&in, &b, &err));
		CHECK_INT(err.code, CL_ERR_LIMIT);
		cl_buf_free(&b);
	}
}

TEST(match_identity_corrupt_bytes)
{
	cl_identity_input in;
	cl_buf		b;
	cl_error	err;
	cl_identity id;
	unsigned char *copy;
	int			accepted_without_checksum = 0;

	sample_input(&in);
	CHECK(build(&in, &b, &err));
	copy = malloc(b.len);
	/* every truncation is rejected, even without verification */
	for (size_t n = 0; n < b.len; n++)
	{
		memcpy(copy, b.data, n);
		if (cl_identity_decode(copy, n, 0, NULL, &id, &err))
			unit_fail(__FILE__, __LINE__, "truncation to %zu accepted", n);
	}
	/* every single-bit flip is rejected with the checksum; without it the
	 * structure checks never read out of bounds (ASan watches) */
	for (size_t i = 0; i < b.len; i++)
	{
		for (int bit = 0; bit < 8; bit++)
		{
			memcpy(copy, b.data, b.len);
			copy[i] ^= (unsigned char) (1 << bit);
			if (cl_identity_decode(copy, b.len, CL_IDENTITY_VERIFY_CHECKSUM, NULL, &id, &err))
				unit_fail(__FILE__, __LINE__, "bit flip at %zu.%d accepted", i, bit);
			else
				CHECK_INT(err.code, CL_ERR_SYNTAX);
			if (cl_identity_decode(copy, b.len, 0, NULL, &id, &err))
				accepted_without_checksum++;
		}
	}
	CHECK(accepted_without_checksum > 0);	/* e.g. a letter of a name */
	/* a value whose checksum is right but whose keys are not normalised:
	 * change a letter of the family name and recompute the checksum */
	{
		uint32_t	h = 2166136261u;
		size_t		pos = 12 + 2;	/* first byte of family */

		memcpy(copy, b.data, b.len);
		copy[pos] = 'x';
		for (size_t i = 0; i < b.len - 4; i++)
		{
			h ^= copy[i];
			h *= 16777619u;
		}
		copy[b.len - 4] = (unsigned char) h;
		copy[b.len - 3] = (unsigned char) (h >> 8);
		copy[b.len - 2] = (unsigned char) (h >> 16);
		copy[b.len - 1] = (unsigned char) (h >> 24);
		CHECK(cl_identity_decode(copy, b.len, CL_IDENTITY_VERIFY_CHECKSUM, NULL, &id, &err));
		CHECK(!cl_identity_decode(copy, b.len, CL_IDENTITY_VERIFY_ALL,
								  &cl_malloc_allocator, &id, &err));
		CHECK(strstr(err.message, "normalised") != NULL);
	}
	/* a future version is reported as such */
	memcpy(copy, b.data, b.len);
	copy[2] = 9;
	CHECK(!cl_identity_decode(copy, b.len, 0, NULL, &id, &err));
	CHECK(strstr(err.message, "version") != NULL);
	free(copy);
	cl_buf_free(&b);
}

TEST(match_identity_text)
{
	cl_identity_input in;
	cl_buf		b;
	cl_buf		t;
	cl_buf		b2;
	cl_error	err;
	cl_identity id;

	sample_input(&in);
	CHECK(build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, 0, NULL, &id, &err));
	cl_buf_init(&t, &cl_malloc_allocator, 64);
	CHECK(cl_identity_to_text(&id, false, &t));
	CHECK_STR(t.data, "(family=obrien smith, given=mary ann, birth_date=1970-05-03, sex=f, "
			  "address=12 tullaroop st, city=st james, postal_code=SW1A1AA, "
			  "phone=61298765432, identifiers=[mrn|A42, ssn|123-45-6789, |X77])");
	/* text read back gives the same bytes */
	cl_buf_init(&b2, &cl_malloc_allocator, 64);
	CHECK(cl_identity_from_text(t.data, t.len, &b2, &err));
	CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
	cl_buf_free(&b2);
	/* with keys, also readable */
	t.len = 0;
	CHECK(cl_identity_to_text(&id, true, &t));
	CHECK(strstr(t.data, "keys=[family_dm=APRN/APRN") != NULL);
	cl_buf_init(&b2, &cl_malloc_allocator, 64);
	CHECK(cl_identity_from_text(t.data, t.len, &b2, &err));
	CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
	cl_buf_free(&b2);
	cl_buf_free(&t);
	cl_buf_free(&b);

	/* escapes in identifiers */
	{
		static const char *const ids[] = {"urn:x|a,b)c]d=e\\f"};

		memset(&in, 0, sizeof(in));
		in.identifiers = ids;
		in.n_identifiers = 1;
		in.birth_year = 1980;
		CHECK(build(&in, &b, &err));
		CHECK(cl_identity_decode(b.data, b.len, 0, NULL, &id, &err));
		cl_buf_init(&t, &cl_malloc_allocator, 64);
		CHECK(cl_identity_to_text(&id, false, &t));
		CHECK_STR(t.data, "(birth_date=1980, identifiers=[urn:x|a\\,b\\)c\\]d\\=e\\\\f])");
		cl_buf_init(&b2, &cl_malloc_allocator, 64);
		CHECK(cl_identity_from_text(t.data, t.len, &b2, &err));
		CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
		cl_buf_free(&b2);
		cl_buf_free(&t);
		cl_buf_free(&b);
	}
	/* empty identity and bad text */
	cl_buf_init(&b2, &cl_malloc_allocator, 64);
	CHECK(cl_identity_from_text("()", 2, &b2, &err));
	CHECK(cl_identity_from_text(" (family = smith , given=jo) ", 29, &b2, &err));
	CHECK(!cl_identity_from_text("family=smith", 12, &b2, &err));
	CHECK_INT(err.code, CL_ERR_SYNTAX);
	CHECK(!cl_identity_from_text("(nick=bob)", 10, &b2, &err));
	CHECK_INT(err.code, CL_ERR_SYNTAX);
	CHECK(!cl_identity_from_text("(family=a, family=b)", 20, &b2, &err));
	CHECK(!cl_identity_from_text("(birth_date=1970-02-30)", 23, &b2, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	CHECK(!cl_identity_from_text("(family=smith) x", 16, &b2, &err));
	CHECK(!cl_identity_from_text("(identifiers=[a|1", 17, &b2, &err));
	cl_buf_free(&b2);
}
