// SPDX-License-Identifier: GPL-2.0
/*
 * kunit: report the results of the kernel's built-in KUnit suites, which
 * ran at boot, as one KTAP document with a subtest per suite, read from
 * /sys/kernel/debug/kunit/SUITE/results. Exit status 1 if a suite failed
 * or its results cannot be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KUNIT_DIR "/sys/kernel/debug/kunit"
#define MAX_SUITES 64

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Print the suite's own KTAP, which debugfs wraps in a document of one
 * test, renumbered as test @num of ours. Return 0 if the suite passed.
 */
static int report_suite(int num, const char *name)
{
	char path[512], line[4096];
	int failed = -1, lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", name);
	f = fopen(path, "r");
	if (!f) {
		printf("not ok %d %s # cannot read %s\n", num, name, path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		/* The wrapper's "KTAP version 1" and "1..1" */
		if (lineno <= 2 && line[0] != ' ')
			continue;
		if (!strncmp(line, "ok 1 ", 5)) {
			printf("ok %d %s", num, line + 5);
			failed = 0;
		} else if (!strncmp(line, "not ok 1 ", 9)) {
			printf("not ok %d %s", num, line + 9);
			failed = 1;
		} else {
			fputs(line, stdout);
		}
	}
	fclose(f);
	if (failed < 0)
		printf("not ok %d %s # no result in %s\n", num, name, path);
	return failed != 0;
}

int main(void)
{
	char *names[MAX_SUITES];
	int n = 0, i, failed = 0;
	struct dirent *e;
	DIR *d;

	d = opendir(KUNIT_DIR);
	while (d && (e = readdir(d)) && n < MAX_SUITES)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	printf("KTAP version 1\n");
	if (!n) {
		printf("1..1\nok 1 suites # SKIP no KUnit suite in this kernel\n");
		return 0;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	printf("1..%d\n", n);
	for (i = 0; i < n; i++)
		failed |= report_suite(i + 1, names[i]);
	return failed;
}
