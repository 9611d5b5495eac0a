// SPDX-License-Identifier: GPL-2.0
/*
 * Guest init for the workspace's QEMU runs.
 *
 * Mounts the pseudo file systems, runs every executable in /tests in name
 * order, and writes one KTAP document to the KTAP port (the first virtio
 * console, falling back to /dev/console): each test program's own KTAP output
 * is nested, indented by four spaces, under a top-level result that reflects
 * its exit status. With kmemleak present, a final "kmemleak" test scans and
 * fails on any report. Then the guest powers off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_DIR "/tests"
#define MAX_TESTS 64
#define TEST_TIMEOUT_S 600
#define KSFT_SKIP 4

static FILE *ktap;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(ktap, fmt, ap);
	va_end(ap);
	fflush(ktap);
}

static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		dprintf(fd, "guest-init: %s\n", msg);
		close(fd);
	}
}

static void do_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		fprintf(stderr, "guest-init: mount %s on %s: %s\n", type, dst,
			strerror(errno));
}

static FILE *open_ktap_port(void)
{
	int i;

	/* The virtio console may probe after init starts; wait a little. */
	for (i = 0; i < 50; i++) {
		FILE *f = fopen("/dev/hvc0", "w");

		if (f)
			return f;
		usleep(100000);
	}
	return fopen("/dev/console", "w");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_tests(char **names)
{
	DIR *d = opendir(TEST_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_TESTS) {
		char path[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), TEST_DIR "/%s", e->d_name);
		if (access(path, X_OK) == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

/* Run one test program, nesting its output; returns its wait status. */
static int run_test(const char *name)
{
	char path[512], line[4096];
	int pfd[2], status = 0;
	pid_t pid;
	FILE *in;

	snprintf(path, sizeof(path), TEST_DIR "/%s", name);
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[1]);
		setpgid(0, 0);
		alarm(TEST_TIMEOUT_S);
		if (chdir("/tmp"))
			_exit(127);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		size_t len = strlen(line);

		if (len && line[len - 1] != '\n')
			say("    %s\n", line);
		else
			say("    %s", line);
	}
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	return status;
}

static void report(int num, const char *name, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		say("ok %d %s\n", num, name);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		say("ok %d %s # SKIP\n", num, name);
	else if (WIFSIGNALED(status))
		say("not ok %d %s # killed by signal %d%s\n", num, name,
		    WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		say("not ok %d %s # exit status %d\n", num, name,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Scan for leaks; returns 1 if kmemleak reported anything. */
static int kmemleak_scan(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char buf[4096];
	int fd, leaks = 0;
	ssize_t n;

	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "scan", 4) != 4)
		return -1;
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = 0;
		/* Show the report on the console too, where the verdict looks. */
		fputs(buf, stderr);
		say("    # %s", buf);
		leaks = 1;
	}
	close(fd);
	return leaks;
}

int main(void)
{
	char *names[MAX_TESTS];
	int n, i, leak = -1;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tmpfs", "/tmp", "tmpfs");
	setenv("PATH", "/tests:/bin", 1);

	ktap = open_ktap_port();
	if (!ktap)
		ktap = stderr;
	n = list_tests(names);
	if (access("/sys/kernel/debug/kmemleak", F_OK) == 0)
		leak = 0;

	kmsg("running tests");
	say("KTAP version 1\n1..%d\n", n + (leak == 0));
	for (i = 0; i < n; i++) {
		say("# running %s\n", names[i]);
		report(i + 1, names[i], run_test(names[i]));
	}
	if (leak == 0) {
		/* Objects younger than kmemleak's minimum age are not reported. */
		sleep(6);
		leak = kmemleak_scan();
		say("%s %d kmemleak\n", leak ? "not ok" : "ok", n + 1);
	}
	say("# guest done\n");
	kmsg("done, powering off");
	fclose(ktap);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
