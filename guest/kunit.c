// SPDX-License-Identifier: GPL-2.0
/*
 * kunit: report the results of the kernel's built-in KUnit suites, which
 * ran at boot, as one KTAP document with a subtest per suite, read from
 * /sys/kernel/debug/kunit/SUITE/results. Exit status 1 if a suite failed
 * or its results cannot be read.
 *
 * 6.1 keeps only 512 bytes of log per test case for debugfs: a case that
 * fails with long messages loses its own result line there. The suite's
 * whole KTAP is also in the kernel log; for a suite whose debugfs results
 * lack a case's result line, it is read from /dev/kmsg instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KUNIT_DIR "/sys/kernel/debug/kunit"
#define MAX_SUITES 64
#define MAX_LINES 8192
#define MAX_CASES 256

static char *kmsg[MAX_LINES];
static int kmsg_lines = -1;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The message of a /dev/kmsg record, with its \xNN escapes undone */
static char *kmsg_text(const char *rec)
{
	const char *p = strchr(rec, ';');
	char *out, *o;

	if (!p)
		return NULL;
	out = o = malloc(strlen(p) + 1);
	if (!out)
		return NULL;
	for (p++; *p && *p != '\n'; p++) {
		unsigned int c;

		if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &c) == 1) {
			*o++ = c;
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* Read the kernel log once, as lines, into kmsg[] */
static void read_kmsg(void)
{
	char rec[8192];
	ssize_t n;
	int fd;

	if (kmsg_lines >= 0)
		return;
	kmsg_lines = 0;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	for (;;) {
		char *text, *line, *save;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten meanwhile */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = kmsg_text(rec);
		if (!text)
			continue;
		/*
		 * A suite's lines are indented but for its result line;
		 * other kernel messages may come in between
		 */
		for (line = strtok_r(text, "\n", &save);
		     line && kmsg_lines < MAX_LINES;
		     line = strtok_r(NULL, "\n", &save))
			if ((!strncmp(line, "    ", 4) || !strncmp(line, "ok ", 3) ||
			     !strncmp(line, "not ok ", 7)) &&
			    (kmsg[kmsg_lines] = strdup(line)))
				kmsg_lines++;
		free(text);
	}
	close(fd);
}

/* A suite's result line, "ok N NAME..." or "not ok N NAME..." */
static const char *suite_result(const char *line, const char *name, int *failed)
{
	const char *p = line;
	size_t len = strlen(name);

	*failed = !strncmp(p, "not ", 4);
	if (*failed)
		p += 4;
	if (strncmp(p, "ok ", 3))
		return NULL;
	p += 3;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != ' ' || strncmp(p, name, len) || (p[len] && p[len] != ' '))
		return NULL;
	return p;
}

/*
 * Print the suite's KTAP from the kernel log, as test @num of ours.
 * Return 0 if it passed, 1 if it failed, -1 if the log does not have it.
 */
static int report_from_kmsg(int num, const char *name)
{
	char subtest[512];
	int i, j, start = -1, failed;
	const char *rest;

	read_kmsg();
	snprintf(subtest, sizeof(subtest), "    # Subtest: %s", name);
	for (i = 0; i < kmsg_lines; i++)
		if (!strcmp(kmsg[i], subtest))
			start = i;
	if (start < 0)
		return -1;
	/* The suite's own result line, the only one not indented */
	for (i = start; i < kmsg_lines; i++)
		if (suite_result(kmsg[i], name, &failed))
			break;
	if (i == kmsg_lines)
		return -1;
	if (start > 0 && !strcmp(kmsg[start - 1], "    KTAP version 1"))
		start--;
	for (j = start; j < i; j++)
		puts(kmsg[j]);
	printf("    # %s: read from the kernel log, debugfs lost results\n", name);
	rest = suite_result(kmsg[i], name, &failed);
	printf("%sok %d %s\n", failed ? "not " : "", num, rest);
	return failed;
}

/*
 * Print the suite's own KTAP, which debugfs wraps in a document of one
 * test, renumbered as test @num of ours. Return 0 if the suite passed.
 */
static int report_suite(int num, const char *name)
{
	char path[512], line[4096], *lines[MAX_LINES];
	int failed = -1, nr = 0, plan = -1, cases = 0, i, k;
	unsigned char seen[MAX_CASES + 1] = { 0 };
	FILE *f;

	snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", name);
	f = fopen(path, "r");
	if (!f) {
		printf("not ok %d %s # cannot read %s\n", num, name, path);
		return 1;
	}
	while (fgets(line, sizeof(line), f) && nr < MAX_LINES) {
		/* The wrapper's "KTAP version 1" and "1..1" */
		if ((!nr && line[0] != ' ' && !strncmp(line, "KTAP", 4)) ||
		    (line[0] != ' ' && !strncmp(line, "1..", 3)))
			continue;
		lines[nr] = strdup(line);
		if (!lines[nr])
			break;
		nr++;
		/* The suite's own lines are indented by exactly four */
		if (strncmp(line, "    ", 4) || line[4] == ' ')
			continue;
		if (sscanf(line + 4, "1..%d", &k) == 1)
			plan = k;
		else if ((sscanf(line + 4, "ok %d", &k) == 1 ||
			  sscanf(line + 4, "not ok %d", &k) == 1) &&
			 k > 0 && k <= MAX_CASES && !seen[k]) {
			seen[k] = 1;
			cases++;
		}
	}
	fclose(f);

	/* A case lost its result line: the kernel log has the whole suite */
	if (plan > cases) {
		failed = report_from_kmsg(num, name);
		if (failed >= 0)
			goto out;
	}
	for (i = 0; i < nr; i++) {
		if (!strncmp(lines[i], "ok 1 ", 5)) {
			printf("ok %d %s", num, lines[i] + 5);
			failed = 0;
		} else if (!strncmp(lines[i], "not ok 1 ", 9)) {
			printf("not ok %d %s", num, lines[i] + 9);
			failed = 1;
		} else {
			fputs(lines[i], stdout);
		}
	}
	if (failed < 0)
		printf("not ok %d %s # no result in %s\n", num, name, path);
out:
	for (i = 0; i < nr; i++)
		free(lines[i]);
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
