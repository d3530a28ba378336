/*
 * test_match_util.h
 *		Helpers shared by the patient-matching unit tests.
 */
#ifndef TEST_MATCH_UTIL_H
#define TEST_MATCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Opens a file of the repository (path relative to its root) whether the
 * tests run from the root (make unit) or from test/unit.
 */
static inline FILE *
match_open_repo_file(const char *rel)
{
	static const char *const prefixes[] = {"", "../../", "../"};
	char		path[1024];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
	{
		FILE	   *f;

		snprintf(path, sizeof(path), "%s%s", prefixes[i], rel);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

/*
 * Opens a file of ../shared (next to the repository), or of
 * $CLINICAL_SHARED when set; NULL when it is not there.
 */
static inline FILE *
match_open_shared_file(const char *rel)
{
	static const char *const prefixes[] = {"../shared/", "../../../shared/"};
	const char *env = getenv("CLINICAL_SHARED");
	char		path[1024];

	if (env && *env)
	{
		snprintf(path, sizeof(path), "%s/%s", env, rel);
		return fopen(path, "r");
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
	{
		FILE	   *f;

		snprintf(path, sizeof(path), "%s%s", prefixes[i], rel);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

#endif
