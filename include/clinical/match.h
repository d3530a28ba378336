/*
 * clinical/match.h
 *		The PostgreSQL-free core of patient matching: name normalisation,
 *		phonetic codes, string and date similarity, nicknames, the identity
 *		record and its flat serialisation, Fellegi-Sunter scoring with
 *		explanations, blocking keys, EM estimation and connected components.
 *
 * Strings are UTF-8 given as (pointer, length); they need not be
 * NUL-terminated.  Functions that build strings append to a cl_buf (and so
 * allocate through the buffer's allocator) and report failure by returning
 * false and, when they take one, filling a cl_error:
 *   CL_ERR_INVALID_PARAM  bad argument: impossible date, unknown sex code,
 *                         bad model (SQL: 22023); the message names the field
 *   CL_ERR_SYNTAX         corrupt serialised identity or model (SQL: 22P02)
 *   CL_ERR_LIMIT          too many identifiers, field too long (SQL: 54000)
 *   CL_ERR_NOMEM          allocation failed (SQL: 53200)
 * Error messages never quote patient data.
 *
 * Nothing here keeps state between calls; every function is reentrant.
 */
#ifndef CLINICAL_MATCH_H
#define CLINICAL_MATCH_H

#include "clinical/common.h"

/* ========================================================================
 * 1. Building blocks
 * ======================================================================== */

/*
 * Name normalisation (name_normalize).  The input should already be in
 * Unicode NFKD (the SQL layer applies unicode_normalize); this function then
 *   - drops combining marks (U+0300-036F, U+1AB0-1AFF, U+1DC0-1DFF,
 *     U+20D0-20FF, U+FE20-FE2F);
 *   - folds case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
 *     capitals to small letters; precomposed Latin-1/Extended-A letters (in
 *     case the input was not decomposed) lose their accents too, and the
 *     letters that do not decompose are spelled out (ß->ss, æ->ae, œ->oe,
 *     ø->o, đ/ð->d, ł->l, þ->th, ı->i, ħ->h, ŧ->t, ŋ->n, ĸ->k, ſ->s);
 *     letters of other scripts are kept as they are;
 *   - removes apostrophes (' ’ ʼ `) without a space (O'Brien -> obrien) and
 *     turns every other punctuation, symbol, control or space character
 *     into a single space (Smith-Jones -> smith jones);
 *   - removes title and suffix words (CL_NAME_TITLES below) unless that
 *     would leave nothing;
 *   - collapses runs of spaces and trims both ends.
 * Invalid UTF-8 bytes are treated as separators (never an error).  Appends
 * the result to out; false only when the buffer failed to grow.
 */
bool		cl_name_normalize(const char *s, size_t len, cl_buf *out);

/* the title and suffix words removed by cl_name_normalize (space-separated) */
#define CL_NAME_TITLES \
	"mr mrs ms miss mx dr prof rev sir dame lord lady fr sr jr snr jnr " \
	"ii iii iv md phd dds dmd do rn np pa esq mba"

/*
 * Generic text normalisation used for addresses and cities: the same as
 * cl_name_normalize without title removal.  With 'abbreviate', common
 * street-type words are replaced by their usual abbreviations (street->st,
 * road->rd, avenue->ave, ...).
 */
bool		cl_text_normalize(const char *s, size_t len, bool abbreviate, cl_buf *out);

/*
 * NYSIIS (New York State Identification and Intelligence System), the
 * original algorithm of R. L. Taft (1970) as published, not the "modified
 * NYSIIS" of later sources:
 *   0. only the letters A-Z are kept (after upper-casing ASCII), so spaces,
 *      hyphens, digits and non-ASCII letters are ignored (callers normalise
 *      first);
 *   1. leading MAC->MCC, KN->NN, K->C, PH->FF, PF->FF, SCH->SSS;
 *   2. trailing EE->Y, IE->Y, DT/RT/RD/NT/ND->D;
 *   3. the first letter of the key is the first letter of the name;
 *   4. from the second letter on, in place: EV->AF, other vowels (AEIOU)->A,
 *      Q->G, Z->S, M->N, KN->N, K->C, SCH->SSS, PH->FF, H->previous letter
 *      when the previous or the next letter is not a vowel, W->previous
 *      letter when the previous letter is a vowel; the (new) current letter
 *      is appended unless it equals the last letter of the key;
 *   5. a final S is removed, a final AY becomes Y, a final A is removed.
 * max_len > 0 truncates the key (Taft's files used 6); 0 keeps it whole.
 * An input without letters gives the empty string.
 */
bool		cl_nysiis(const char *s, size_t len, int max_len, cl_buf *out);

/*
 * Double Metaphone (Lawrence Philips, "The Double Metaphone Search
 * Algorithm", C/C++ Users Journal, June 2000), primary and alternate codes
 * of at most 4 characters, written from the published description.  The
 * codes equal PostgreSQL contrib fuzzystrmatch's dmetaphone() and
 * dmetaphone_alt() for ASCII input (checked on every distinct name of the
 * FEBRL data sets and of the nickname table).  ASCII letters are upper-cased;
 * the UTF-8 letters Ç/ç and Ñ/ñ are treated as the algorithm's Ç and Ñ;
 * every other byte is skipped as the algorithm skips unknown characters.
 * 'primary' and 'alternate' receive NUL-terminated codes (5 bytes each).
 */
#define CL_DMETAPHONE_LEN 4
void		cl_dmetaphone(const char *s, size_t len, char primary[CL_DMETAPHONE_LEN + 1],
						  char alternate[CL_DMETAPHONE_LEN + 1]);

/*
 * String similarity over Unicode code points (invalid bytes count as one
 * code point each).  Strings longer than CL_SIM_MAX_CHARS code points are
 * compared on their first CL_SIM_MAX_CHARS code points (no allocation).
 */
#define CL_SIM_MAX_CHARS 256

/* Jaro similarity in [0, 1]; two empty strings give 1, one empty 0. */
double		cl_jaro(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Jaro-Winkler (Winkler 1990): jw = j + l * p * (1 - j), with l the length
 * of the common prefix up to 4 code points and p = 0.1, applied only when
 * j > 0.7 (Winkler's boost threshold; the published reference pairs all lie
 * above it).  MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813.
 */
double		cl_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Levenshtein distance (damerau false) or optimal-string-alignment Damerau
 * distance (damerau true: an adjacent transposition costs 1).  Computation
 * stops early: the result is min(distance, max_dist + 1).
 */
int			cl_edit_distance(const char *a, size_t alen, const char *b, size_t blen,
							 bool damerau, int max_dist);

/* true when the strings differ by exactly one adjacent transposition */
bool		cl_is_transposition(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Nicknames, from the table of carltonnorthern/nicknames (Apache-2.0,
 * compiled into nicknames_table.c; provenance there).  The table is a
 * directed relation formal name -> nickname and is ambiguous ("chris" is a
 * nickname of 18 formal names), so it is used as a comparison level, never
 * as a rewrite: a and b are nickname-equivalent when a lists b, b lists a,
 * or a formal name lists both.  Comparisons take lower-case ASCII (the
 * output of cl_name_normalize); equal names are not nicknames of each other.
 */
bool		cl_nickname_match(const char *a, size_t alen, const char *b, size_t blen);

/*
 * name_canonical: the formal names of 'name' -- the name itself when it is
 * a formal name of the table, and every formal name that lists it -- sorted,
 * appended to out separated by 'sep'.  Returns the number of names written
 * (0 when the name is not in the table; then nothing is appended), or -1
 * when the buffer failed.
 */
int			cl_name_canonical(const char *name, size_t len, char sep, cl_buf *out);

/*
 * Date similarity (date_similarity).  A date is year, month, day; a year of
 * 0 means missing, and a month or day of 0 a partial date (compared as
 * missing unless both dates are equal).  Levels, first that applies:
 *   MISSING        either date missing or partial
 *   EXACT          equal
 *   DAY_MONTH_SWAP day and month exchanged, same year (and day != month)
 *   ONE_DIGIT      the YYYYMMDD forms differ in exactly one digit, or by
 *                  one transposition of adjacent digits
 *   YEAR_OFF_ONE   same month and day, years 1 apart
 *   YEAR_OFF_TEN   same month and day, years 10 apart
 *   DIFFERENT      anything else
 * (A year off by one often is also one digit off: 1970/1971 is ONE_DIGIT,
 * 1979/1980 is YEAR_OFF_ONE.)
 */
typedef enum cl_date_level
{
	CL_DATE_MISSING = 0,
	CL_DATE_EXACT,
	CL_DATE_DAY_MONTH_SWAP,
	CL_DATE_ONE_DIGIT,
	CL_DATE_YEAR_OFF_ONE,
	CL_DATE_YEAR_OFF_TEN,
	CL_DATE_DIFFERENT
} cl_date_level;

cl_date_level cl_date_similarity(int y1, int m1, int d1, int y2, int m2, int d2);
const char *cl_date_level_name(cl_date_level level);	/* "exact", ... */

/* a real calendar date (proleptic Gregorian, years 1-9999)?  Partial dates
 * (month and/or day 0) are valid when the known parts are. */
bool		cl_date_valid(int y, int m, int d);

/* ========================================================================
 * 2. The identity record
 * ======================================================================== */

#define CL_IDENTITY_MAX_IDENTIFIERS 32
#define CL_IDENTITY_MAX_FIELD 4096	/* bytes of one normalised field */
#define CL_NYSIIS_KEY_LEN 8			/* NYSIIS match keys are truncated to 8 */

/*
 * What the caller knows of a person; any pointer may be NULL (missing).
 * Strings are UTF-8, already NFKD-normalised by the SQL layer; the builder
 * normalises them further.  birth_year 0 = missing; month/day 0 = partial.
 * sex: "male"/"m", "female"/"f", "other"/"o"/"a" (ambiguous) or
 * "unknown"/"u"/"n" (= missing), case-insensitive; anything else is an error.
 * identifiers: "system|value" strings (a string without '|' has an empty
 * system); surrounding spaces are trimmed; duplicates are dropped.
 */
typedef struct cl_identity_input
{
	const char *family;
	const char *given;
	int			birth_year;
	int			birth_month;
	int			birth_day;
	const char *sex;
	const char *address;
	const char *city;
	const char *postal_code;
	const char *phone;
	const char *const *identifiers;
	int			n_identifiers;
} cl_identity_input;

/*
 * A decoded identity.  All strings are NUL-terminated and "" when missing;
 * when the identity came from cl_identity_decode they point into the
 * serialised bytes (no copy), so the bytes must outlive it.
 *   family, given     cl_name_normalize'd
 *   address, city     cl_text_normalize'd (address with abbreviations)
 *   postal_code       ASCII letters upper-cased, digits; everything else gone
 *   phone             digits only
 *   sex               'm', 'f', 'o' or '\0' (missing)
 * Match keys (computed by the builder, checked by strict decoding):
 *   family_dm, given_dm     Double Metaphone primary [0] and alternate [1]
 *                           of the family name and the first given name
 *   family_nysiis, given_nysiis  NYSIIS truncated to CL_NYSIIS_KEY_LEN
 */
typedef struct cl_identity
{
	const char *family;
	const char *given;
	const char *address;
	const char *city;
	const char *postal_code;
	const char *phone;
	int			birth_year;
	int			birth_month;
	int			birth_day;
	char		sex;
	int			n_identifiers;
	const char *identifiers[CL_IDENTITY_MAX_IDENTIFIERS];	/* sorted */
	char		family_dm[2][CL_DMETAPHONE_LEN + 1];
	char		given_dm[2][CL_DMETAPHONE_LEN + 1];
	char		family_nysiis[CL_NYSIIS_KEY_LEN + 1];
	char		given_nysiis[CL_NYSIIS_KEY_LEN + 1];
} cl_identity;

/*
 * Serialised form (version 1), all integers little-endian:
 *   offset 0  "PI"            magic
 *          2  u8 version      = 1
 *          3  u8 flags        = 0 (reserved)
 *          4  u16 birth_year, u8 birth_month, u8 birth_day
 *          8  u8 sex          0, 'm', 'f' or 'o'
 *          9  u8 n_identifiers
 *         10  u16 reserved    = 0
 *         12  strings, each u16 byte length + bytes + NUL:
 *             family, given, address, city, postal_code, phone,
 *             family_dm[0], family_dm[1], given_dm[0], given_dm[1],
 *             family_nysiis, given_nysiis, then the identifiers (sorted)
 *        end  u32 checksum    FNV-1a 32 of every preceding byte
 * The SQL layer stores these bytes as the varlena payload of
 * patient_identity and sends them unchanged over the wire.
 */
#define CL_IDENTITY_VERSION 1

/* Normalises 'in', computes the keys and appends the serialised form to
 * out.  Errors: CL_ERR_INVALID_PARAM (impossible birth date, unknown sex;
 * err->where names the field), CL_ERR_LIMIT, CL_ERR_NOMEM. */
bool		cl_identity_build(const cl_identity_input *in, cl_buf *out, cl_error *err);

/* Decoding options */
#define CL_IDENTITY_VERIFY_CHECKSUM	0x01	/* check the FNV-1a trailer */
#define CL_IDENTITY_VERIFY_KEYS		0x02	/* recompute and compare every
											 * match key and normalised form */
#define CL_IDENTITY_VERIFY_ALL		0x03

/*
 * Decodes bytes into *id without copying (id's strings point into bytes).
 * Always checks the structure (magic, version, lengths, NULs, UTF-8, date,
 * sex, identifier order) so that corrupt bytes never cause an out-of-bounds
 * read; 'verify' adds the checks above (use CL_IDENTITY_VERIFY_ALL for bytes
 * received from a client, 0 or CHECKSUM for stored values).  alloc is used
 * only by CL_IDENTITY_VERIFY_KEYS (it rebuilds the value) and may be NULL
 * otherwise.  Errors are CL_ERR_SYNTAX (or CL_ERR_NOMEM for KEYS).
 */
bool		cl_identity_decode(const void *bytes, size_t len, int verify,
							   const cl_allocator *alloc, cl_identity *id,
							   cl_error *err);

/*
 * Readable text form, e.g.
 *   (family=smith, given=john paul, birth_date=1970-05-03, sex=m,
 *    postal_code=4011, identifiers=[ssn|123])
 * Fields that are missing are left out; match keys are shown with
 * with_keys ("keys=[family_dm=SM0/XMT, ...]").  Values containing ',' ')'
 * ']' '=' or '\\' are escaped with a backslash (they cannot occur after
 * normalisation except in identifiers).
 */
bool		cl_identity_to_text(const cl_identity *id, bool with_keys, cl_buf *out);

/*
 * A total order of identities for btree (ORDER BY, DISTINCT, UNIQUE):
 * family, given (bytewise, so by code point), birth date (missing first),
 * sex, postal code, city, address, phone, then the identifiers in their
 * stored order (fewer first when one list is a prefix of the other).
 * Returns <0, 0 or >0.  Every stored byte is a function of these fields,
 * so two identities compare equal exactly when their serialised forms are
 * equal.
 */
int			cl_identity_compare(const cl_identity *a, const cl_identity *b);

/*
 * Parses the text form (as written by cl_identity_to_text, with or without
 * keys, which are ignored and recomputed) and appends the serialised
 * identity to out, so that text output read back gives the same bytes.
 * "()" is the identity with every field missing.  Errors: CL_ERR_SYNTAX
 * (offset set), CL_ERR_INVALID_PARAM (bad date or sex, where set),
 * CL_ERR_LIMIT, CL_ERR_NOMEM.
 */
bool		cl_identity_from_text(const char *s, size_t len, cl_buf *out, cl_error *err);

/* ========================================================================
 * 3. Fellegi-Sunter scoring
 * ======================================================================== */

/* The compared fields, in the order of comparison vectors. */
typedef enum cl_match_field
{
	CL_MF_FAMILY = 0,
	CL_MF_GIVEN,
	CL_MF_BIRTH_DATE,
	CL_MF_SEX,
	CL_MF_POSTAL_CODE,
	CL_MF_CITY,
	CL_MF_ADDRESS,
	CL_MF_PHONE,
	CL_MF_IDENTIFIER,
	CL_MF_COUNT
} cl_match_field;

#define CL_MATCH_MAX_LEVELS 12

/*
 * Levels of each field, first that applies wins.  A "null" level carries no
 * evidence: weight 0, not estimated by EM (missing values; the given-name
 * comparison when the names are swapped, whose evidence is counted once, in
 * the family comparison).
 *
 * family  0 missing(null) 1 exact 2 swapped 3 phonetic 4 jw>=0.94
 *         5 jw>=0.88 6 one_edit 7 different
 *   swapped: a.family = b.given and a.given = b.family (both non-empty)
 *   phonetic: a Double Metaphone code (primary or alternate) in common, or
 *   equal NYSIIS keys
 *   one_edit: Damerau (OSA) distance 1
 * given   0 missing(null) 1 exact 2 swapped(null) 3 nickname 4 phonetic
 *         5 jw>=0.94 6 jw>=0.88 7 one_edit 8 initial 9 different
 *   nickname and phonetic compare the first given names; initial: one
 *   given name is a single letter equal to the other's first letter
 * birth_date  the cl_date_level values (0 missing(null) ... 6 different)
 * sex         0 missing(null) 1 exact 2 different
 * postal_code 0 missing(null) 1 exact 2 one_edit 3 different
 * city        0 missing(null) 1 exact 2 jw>=0.88 3 different
 * address     0 missing(null) 1 exact 2 jw>=0.88 3 different
 * phone       0 missing(null) 1 exact 2 one_edit (or the last 7 digits
 *             agree) 3 different
 * identifier  0 missing(null: no system in common) 1 exact (a system in
 *             common with an equal value) 2 one_edit (same system, values
 *             one edit apart) 3 different (a system in common, all values
 *             differ)
 */
typedef struct cl_match_field_def
{
	const char *name;			/* "family", "given", ... */
	int			n_levels;
	const char *level_names[CL_MATCH_MAX_LEVELS];
	bool		level_null[CL_MATCH_MAX_LEVELS];
	int			tf_level;		/* level adjusted by term frequency, or -1 */
} cl_match_field_def;

const cl_match_field_def *cl_match_field_info(cl_match_field f);

/*
 * The model: m and u per level of each field (null levels are ignored) and
 * the prior probability that a compared pair is a match.
 *
 * Term-frequency adjustment (names; the level tf_level = exact): when the
 * caller supplies the relative frequency f of the agreed value (share of
 * records having it, in (0, 1]), the exact level's u is replaced by
 *     u_tf = max(f, tf_min_u)      with tf_min_u = u_exact when the model's
 *                                  tf_min_u[field] is 0 (the default)
 * so the weight becomes log2(m_exact / u_tf): a value more common than the
 * model's average agreement (u_exact) weighs less, by log2(f / u_exact);
 * values rarer than that keep the model's weight (no boost beyond it unless
 * tf_min_u is set lower).  f <= 0 or NaN means "unknown": no adjustment.
 * This is Splink's term-frequency adjustment, u / (u / tf) with Splink's
 * tf_minimum_u_value = u_exact.
 */
typedef struct cl_match_model
{
	double		prior;			/* lambda in (0, 1) */
	double		m[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
	double		u[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
	double		tf_min_u[CL_MF_COUNT];	/* 0: use u of the tf level */
} cl_match_model;

/* The shipped defaults (documented in score.c next to the numbers). */
void		cl_match_model_default(cl_match_model *model);

/* Checks 0 < m, u <= 1 on every non-null level and 0 < prior < 1; the
 * message names the field and level. */
bool		cl_match_model_check(const cl_match_model *model, cl_error *err);

/* The comparison vector of a pair: one level index per field. */
typedef struct cl_match_vector
{
	unsigned char level[CL_MF_COUNT];
} cl_match_vector;

void		cl_match_compare(const cl_identity *a, const cl_identity *b, cl_match_vector *vec);

/*
 * Comparison with an early exit, for pairs that only matter above a score
 * (match_clusters, the % operator).  cl_match_scorer_init precomputes the
 * weight of every level and, per field, the largest weight a level other
 * than exact can give and the largest weight exact can give after a
 * term-frequency adjustment (a tf_min_u below u raises it).
 * cl_match_compare_bounded first settles every field that costs almost
 * nothing (missing and exact values, the birth date, sex, postal code,
 * phone, identifiers), then the string comparisons (family, given, city,
 * address) one by one; as soon as the weights known plus the largest
 * weights still possible fall below min_score it returns false (vec is then
 * incomplete).  Otherwise vec is the complete comparison vector, the same
 * as cl_match_compare's, and the pair may still score below min_score.
 */
typedef struct cl_match_scorer
{
	double		w[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];	/* log2(m / u); 0 when null */
	double		w_exact_max[CL_MF_COUNT];	/* exact, tf adjustment included */
	double		w_inexact_max[CL_MF_COUNT]; /* the best level but missing and exact */
} cl_match_scorer;

void		cl_match_scorer_init(cl_match_scorer *s, const cl_match_model *model);
bool		cl_match_compare_bounded(const cl_match_scorer *s, const cl_identity *a,
									 const cl_identity *b, double min_score,
									 cl_match_vector *vec);

/* Optional term frequencies of the compared values, per field (0: unknown).
 * Only family and given are used. */
typedef struct cl_match_tf
{
	double		freq[CL_MF_COUNT];
} cl_match_tf;

/* One field of an explanation. */
typedef struct cl_match_term
{
	const char *field;			/* static strings */
	const char *level;
	int			level_index;
	double		m;
	double		u;				/* after the term-frequency adjustment */
	double		weight;			/* log2(m / u), 0 for null levels */
	bool		tf_adjusted;
} cl_match_term;

typedef struct cl_match_explanation
{
	double		score;			/* sum of the weights (log2 Bayes factor) */
	double		prior_weight;	/* log2(prior / (1 - prior)) */
	double		probability;	/* 1 / (1 + 2^-(score + prior_weight)) */
	cl_match_term terms[CL_MF_COUNT];
} cl_match_explanation;

/* Scores a comparison vector (tf may be NULL); fills ex when not NULL. */
double		cl_match_score_vector(const cl_match_model *model, const cl_match_vector *vec,
								  const cl_match_tf *tf, cl_match_explanation *ex);

/* compare + score; returns the score (log2 weight, without the prior) */
double		cl_match_score(const cl_match_model *model, const cl_identity *a,
						   const cl_identity *b, const cl_match_tf *tf,
						   cl_match_explanation *ex);

/* prior and score -> probability, and back (for thresholds) */
double		cl_match_probability(const cl_match_model *model, double score);
double		cl_match_score_for_probability(const cl_match_model *model, double p);

/* ========================================================================
 * 4. Blocking keys
 * ======================================================================== */

/*
 * Keys of an identity for a GIN index; a pair of identities is a candidate
 * when they share at least one key, so the same function serves values and
 * queries.  Keys are short ASCII/UTF-8 strings with a one-letter kind prefix:
 *   "n:" family Double Metaphone code (primary and, when different,
 *        alternate) + ':' + first letter of the given name
 *   "g:" first given name Double Metaphone primary + ':' + first letter of
 *        the family name + ':' + birth year
 *   "b:" full birth date YYYYMMDD + ':' + an initial: one key with the
 *        first letter of the family name, one with that of the given name
 *        (one key when they are equal) and one with 'c' + the first letter
 *        of the city
 *   "p:" postal code + ':' + birth year
 *   "t:" phone digits (at least 7)
 *   "w:" the primary Double Metaphone codes of family and first given name,
 *        in sorted order (finds given and family names swapped)
 *   "f:" family Double Metaphone primary + ':' + postal code
 *   "a:" postal code + ':' + house number (first all-digit word of the
 *        address, up to 9 digits)
 *   "h:" family Double Metaphone primary + ':' + house number + ':' + the
 *        word after it (the street's name)
 *   "i:" each identifier system|value
 *   "d:" for identifiers whose value has CL_BLOCK_DEL_MIN..CL_BLOCK_DEL_MAX
 *        characters, for each position p: p + ':' + system|value with the
 *        character at p deleted (values one substitution apart share one)
 *   "x:" for the same identifiers, for each position p whose character
 *        differs from the next: p + ':' + system|value with those two
 *        characters in sorted order (values one adjacent transposition
 *        apart share one)
 * Initials that are not ASCII are written as the hex pair of their first
 * byte.  Missing parts suppress the keys that need them.  Each key is
 * appended to out followed by a NUL byte; the function returns the number
 * of keys (at most CL_BLOCK_MAX_KEYS) or -1 when the buffer failed.
 */
#define CL_BLOCK_DEL_MIN 5
#define CL_BLOCK_DEL_MAX 16
#define CL_BLOCK_MAX_KEYS (16 + CL_IDENTITY_MAX_IDENTIFIERS * (1 + 2 * CL_BLOCK_DEL_MAX))
int			cl_block_keys(const cl_identity *id, cl_buf *out);

/* a stable 32-bit hash of a key (FNV-1a), for int4 GIN keys */
uint32_t	cl_block_key_hash(const char *key, size_t len);

/* a stable 64-bit hash of a key (FNV-1a 64) with its lowest bit cleared,
 * for blocking in memory (cl_pair_index) */
uint64_t	cl_block_key_hash64(const char *key, size_t len);

/*
 * The distinct 64-bit hashes (cl_block_key_hash64) of the blocking keys of
 * an identity, sorted ascending, written to out (room for CL_BLOCK_MAX_KEYS).
 * scratch is a buffer reused between calls (its contents are replaced).
 * Returns the number of hashes, or -1 when the buffer failed to grow.
 */
int			cl_block_key_hashes(const cl_identity *id, cl_buf *scratch, uint64_t *out);

/*
 * Candidate pairs of a set of records, each distinct pair once, without
 * materialising them.  The caller fills the per-record key lists and
 * provides the arrays (the core allocates nothing here, so the caller
 * chooses where large arrays live):
 *   n_records   number of records, indexes 0 .. n_records - 1
 *   rec_off     n_records + 1 offsets into rec_keys (rec_off[0] = 0)
 *   rec_keys    record i's hashes at rec_keys[rec_off[i] .. rec_off[i + 1]),
 *               as cl_block_key_hashes writes them (sorted, distinct, lowest
 *               bit 0); a record without identity simply has no keys
 *   entries     room for rec_off[n_records] entries
 *   max_block   keys shared by more records are skipped (0: none skipped)
 * cl_pair_index_prepare sorts the entries by (hash, record), marks in
 * rec_keys (lowest bit) the keys that are used, and counts the skipped keys
 * and the pairs the used keys produce with repetitions (raw_pairs: an upper
 * bound of the distinct pairs).
 *
 * cl_pair_next then returns the distinct pairs (i < j) of records sharing a
 * used key: a pair is returned under the smallest used key the two records
 * share, and only there ("skip pairs already compared under another key"),
 * so neither sorting nor deduplicating the pairs is needed.  The order is
 * deterministic: by key hash, then by record index.
 */
typedef struct cl_block_entry
{
	uint64_t	hash;
	uint32_t	rec;
	uint32_t	pos;			/* its place in rec_keys */
} cl_block_entry;

typedef struct cl_pair_index
{
	size_t		n_records;
	const uint32_t *rec_off;
	uint64_t   *rec_keys;
	cl_block_entry *entries;
	size_t		max_block;
	/* set by cl_pair_index_prepare */
	size_t		n_entries;
	size_t		used_keys;		/* keys shared by 2 .. max_block records */
	size_t		skipped_keys;	/* keys shared by more than max_block */
	uint64_t	raw_pairs;		/* pairs of the used keys, with repetitions */
} cl_pair_index;

typedef struct cl_pair_iter
{
	size_t		a;				/* current block: entries[a .. b) */
	size_t		b;
	size_t		x;				/* current pair: entries x < y */
	size_t		y;
	uint64_t	raw_seen;		/* pairs looked at, returned or not */
	bool		done;
} cl_pair_iter;

void		cl_pair_index_prepare(cl_pair_index *pi);
void		cl_pair_iter_init(cl_pair_iter *it);

/* the next distinct pair (*i < *j); false when there is none left */
bool		cl_pair_next(const cl_pair_index *pi, cl_pair_iter *it, uint32_t *i, uint32_t *j);

/* do records i and j share a used key?  (what cl_pair_next enumerates) */
bool		cl_pair_index_shares_key(const cl_pair_index *pi, uint32_t i, uint32_t j);

/* ========================================================================
 * 5. EM estimation
 * ======================================================================== */

typedef struct cl_em_options
{
	int			max_iterations; /* e.g. 100 */
	double		tolerance;		/* stop when every parameter moves less */
	bool		estimate_u;		/* true (default): u is re-estimated too,
								 * starting from the u of random pairs
								 * (cl_em_estimate_u); false keeps it */
	double		min_probability;	/* floor of every m and u, e.g. 1e-6 */
} cl_em_options;

void		cl_em_options_default(cl_em_options *opt);

typedef struct cl_em_result
{
	int			iterations;
	double		max_change;		/* of the last iteration */
	bool		converged;
	double		log_likelihood; /* of the final parameters */
	double		match_share;	/* estimated lambda among the given pairs */
} cl_em_result;

/*
 * Estimates u from comparison vectors of random pairs (almost all
 * non-matches): u = count of the level / count of non-null levels of the
 * field, with add-one smoothing over the non-null levels.  Writes
 * model->u only.
 */
void		cl_em_estimate_u(const cl_match_vector *vecs, const double *counts, size_t n,
							 cl_match_model *model);

/*
 * Why u is re-estimated by default: candidate pairs come from blocking, so
 * their non-matches agree on some field (a birth date, a postal code, a
 * phonetic surname) far more often than random pairs do.  With u fixed at
 * the random-pair values EM can only explain those agreements as matches:
 * on FEBRL set 2 it converges to a match share of 0.95 and F1 0.05.  With u
 * re-estimated (started from the random-pair u) it finds share 0.275 and
 * cluster F1 0.999.  The resulting u describe non-matches among blocked
 * candidates, which are the only pairs the index and match_clusters score.
 *
 * EM over the comparison vectors of candidate pairs (with optional
 * multiplicities 'counts', NULL = 1 each).  model holds the starting m, u
 * and prior and receives the estimates; the prior becomes the estimated
 * share of matches among the given pairs.  Returns false (CL_ERR_INVALID_PARAM)
 * on an empty input or bad model.  Pure function: no allocation.
 */
bool		cl_em_estimate(const cl_match_vector *vecs, const double *counts, size_t n,
						   const cl_em_options *opt, cl_match_model *model,
						   cl_em_result *result, cl_error *err);

/* ========================================================================
 * 6. Connected components
 * ======================================================================== */

/* Union-find over record indexes 0..n-1 (union by size, path halving). */
typedef struct cl_union_find
{
	const cl_allocator *alloc;
	size_t		n;
	uint32_t   *parent;
	uint32_t   *size;
	uint32_t   *min;			/* smallest index of each root's set */
} cl_union_find;

bool		cl_uf_init(cl_union_find *uf, size_t n, const cl_allocator *alloc, cl_error *err);
uint32_t	cl_uf_find(cl_union_find *uf, uint32_t x);
void		cl_uf_union(cl_union_find *uf, uint32_t a, uint32_t b);
/* smallest record index of x's component: a deterministic cluster id */
uint32_t	cl_uf_cluster_id(cl_union_find *uf, uint32_t x);
void		cl_uf_free(cl_union_find *uf);

/*
 * Pairs (left[k], right[k]) with prob[k] >= threshold are linked; cluster[i]
 * receives the smallest index of i's component, so cluster ids do not
 * depend on the order of the pairs.  A caller that sorts its records by id
 * first gets the smallest id as the cluster id.  Indexes >= n are an error.
 */
bool		cl_cluster_pairs(size_t n, const uint32_t *left, const uint32_t *right,
							 const double *prob, size_t npairs, double threshold,
							 const cl_allocator *alloc, uint32_t *cluster, cl_error *err);

#endif							/* CLINICAL_MATCH_H */
