// SPDX-License-Identifier: GPL-2.0
/*
 * What SVA costs, measured through the mock SVA IOMMU
 * (CONFIG_IOMMU_SVA_MOCK) in one run, as ratios and counts:
 *
 *  1. device page faults: untouched pages written by mock DMA, one page
 *     (one page request group) at a time, against the CPU writing as many
 *     untouched pages first; and the fault throughput of several endpoints
 *     faulting at once;
 *  2. invalidations: IOTLB invalidation commands per IOMMU instance and
 *     ATC invalidations per endpoint for one munmap() or mprotect() of
 *     4 KiB to 1 GiB, with one and with several endpoints bound on an
 *     instance, and the time of the munmap() against the same munmap()
 *     with nothing bound;
 *  3. bind and unbind: first bind of an mm, bind of a second endpoint
 *     (sharing the domain), the same endpoint again, unbind of the second
 *     and of the last endpoint, with 1 to 1000 processes bound;
 *  4. on x86, kernel page tables allocated and freed with 0 to 100
 *     processes bound: the time against nothing bound, and the
 *     invalidations the deferred free sends.
 *
 * Each figure is the median of repeated runs, with the spread, printed as
 * "# BENCH figure name median min max unit" for scripts/bench.sh. The
 * program is also a KTAP test: one result per figure, which fails when the
 * figure could not be measured. With SVABENCH=full in the environment
 * (the guest's kernel command line) it runs the full sizes; otherwise a
 * short smoke run, as part of the test suite. SVABENCH_ONLY, SVABENCH_CPU
 * and SVABENCH_WQ_CPU (below) narrow a run down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iommu-sva-mock.h"

#define SVA_MOCK_PATH	"/dev/" SVA_MOCK_DEV_NAME
#define MAX_REPS	15
#define MAX_LEVELS	4

static int fd = -1;
static long psz;
static bool full;
static int reps;
static struct sva_mock_topology topo;
static int nr_results;
static int nr_failed;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Print the median and spread of @n values of one figure */
static double report(const char *fig, const char *name, const char *unit,
		     double *v, int n)
{
	double med;

	if (n <= 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("# BENCH %s %s %.3f %.3f %.3f %s\n", fig, name, med, v[0],
	       v[n - 1], unit);
	return med;
}

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++nr_results);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		nr_failed++;
	fflush(stdout);
}

static int mock(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int bind_ep(int f, unsigned int ep, struct sva_mock_bind *b)
{
	memset(b, 0, sizeof(*b));
	b->endpoint = ep;
	return ioctl(f, SVA_MOCK_BIND, b) ? errno : 0;
}

static int unbind(int f, __u32 handle)
{
	struct sva_mock_unbind u = { .handle = handle };

	return ioctl(f, SVA_MOCK_UNBIND, &u) ? errno : 0;
}

static int dma(unsigned int ep, __u32 pasid, __u32 flags, void *va,
	       size_t len, void *buf, __u32 *prq)
{
	struct sva_mock_dma d = {
		.endpoint = ep, .pasid = pasid, .flags = flags,
		.va = (uintptr_t)va, .len = len, .buf = (uintptr_t)buf,
	};
	int ret = mock(SVA_MOCK_DMA, &d);

	if (prq)
		*prq = d.page_requests;
	return ret;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* PASID-capable endpoints of @inst, each in a group of its own, in order */
static int solo_eps(unsigned int inst, int *eps, int max)
{
	unsigned int i, j;
	int n = 0;

	for (i = 0; i < topo.nr_endpoints && n < max; i++) {
		const struct sva_mock_endpoint *e = &topo.endpoints[i];
		bool solo = true;

		if (e->instance != inst || e->pasid_bits < 8)
			continue;
		for (j = 0; j < topo.nr_endpoints; j++)
			if (j != i && topo.endpoints[j].group == e->group)
				solo = false;
		if (solo)
			eps[n++] = i;
	}
	return n;
}

/* An instance sharing domains with @inst, other than it, or -1 */
static int peer_instance(unsigned int inst)
{
	unsigned int i;

	for (i = 0; i < topo.nr_instances; i++)
		if (i != inst &&
		    topo.instances[i].compat == topo.instances[inst].compat)
			return i;
	return -1;
}

/* 1. Device page faults against CPU first touch */

static bool fig_faults(void)
{
	unsigned int n = full ? 256 : 16;
	double cpu[MAX_REPS], dev[MAX_REPS], hit[MAX_REPS], ratio[MAX_REPS];
	double fonly[MAX_REPS];
	struct sva_mock_bind b;
	__u64 word = 0x5a5a5a5a5a5a5a5aULL;
	unsigned int i;
	int ep, r, ret;

	if (solo_eps(0, &ep, 1) < 1)
		return false;
	ret = bind_ep(fd, ep, &b);
	if (ret) {
		printf("# bind endpoint %d: %s\n", ep, strerror(ret));
		return false;
	}
	for (r = 0; r < reps; r++) {
		char *c = map(n * psz), *d = map(n * psz);
		double t0, t1, t2, t3;
		__u32 prq, total = 0;

		if (!c || !d)
			goto fail;
		t0 = now_ns();
		for (i = 0; i < n; i++)
			c[i * psz] = 1;
		t1 = now_ns();
		for (i = 0; i < n; i++) {
			ret = dma(ep, b.pasid, SVA_MOCK_DMA_WRITE, d + i * psz,
				  sizeof(word), &word, &prq);
			if (ret) {
				printf("# DMA write: %s\n", strerror(ret));
				goto fail;
			}
			total += prq;
		}
		t2 = now_ns();
		/* The same accesses once the pages are present */
		for (i = 0; i < n; i++)
			dma(ep, b.pasid, SVA_MOCK_DMA_WRITE, d + i * psz,
			    sizeof(word), &word, NULL);
		t3 = now_ns();
		if (total < n) {
			printf("# %u page requests for %u untouched pages\n",
			       total, n);
			goto fail;
		}
		cpu[r] = (t1 - t0) / n;
		dev[r] = (t2 - t1) / n;
		hit[r] = (t3 - t2) / n;
		ratio[r] = dev[r] / cpu[r];
		fonly[r] = (dev[r] - hit[r]) / cpu[r];
		munmap(c, n * psz);
		munmap(d, n * psz);
	}
	unbind(fd, b.handle);
	report("faults", "cpu_first_touch", "ns/page", cpu, reps);
	report("faults", "device_fault_in", "ns/page", dev, reps);
	report("faults", "device_present", "ns/page", hit, reps);
	report("faults", "ratio_device_to_cpu", "x", ratio, reps);
	report("faults", "ratio_fault_part_to_cpu", "x", fonly, reps);
	return true;
fail:
	unbind(fd, b.handle);
	return false;
}

struct fault_thread {
	unsigned int ep;
	__u32 pasid;
	char *mem;
	unsigned int pages;
	int err;
	pthread_barrier_t *start;
};

static void *fault_worker(void *arg)
{
	struct fault_thread *t = arg;
	__u64 word = 1;
	unsigned int i;

	pthread_barrier_wait(t->start);
	for (i = 0; i < t->pages && !t->err; i++)
		t->err = dma(t->ep, t->pasid, SVA_MOCK_DMA_WRITE,
			     t->mem + i * psz, sizeof(word), &word, NULL);
	return NULL;
}

/* Several endpoints, on all compatible instances, fault at once */
static bool fig_fault_throughput(void)
{
	unsigned int pages = full ? 256 : 16;
	int eps[SVA_MOCK_MAX_ENDPOINTS], n = 0, i, r, peer;
	struct fault_thread t[SVA_MOCK_MAX_ENDPOINTS];
	struct sva_mock_bind b[SVA_MOCK_MAX_ENDPOINTS];
	double rate[MAX_REPS];
	pthread_t th[SVA_MOCK_MAX_ENDPOINTS];
	pthread_barrier_t start;

	n = solo_eps(0, eps, 4);
	peer = peer_instance(0);
	if (peer >= 0)
		n += solo_eps(peer, eps + n, 4);
	if (n < 2)
		return false;
	for (i = 0; i < n; i++)
		if (bind_ep(fd, eps[i], &b[i]))
			return false;
	for (r = 0; r < reps; r++) {
		double t0;

		pthread_barrier_init(&start, NULL, n + 1);
		for (i = 0; i < n; i++) {
			t[i] = (struct fault_thread){
				.ep = eps[i], .pasid = b[i].pasid,
				.mem = map(pages * psz), .pages = pages,
				.start = &start,
			};
			if (!t[i].mem ||
			    pthread_create(&th[i], NULL, fault_worker, &t[i]))
				return false;
		}
		pthread_barrier_wait(&start);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		rate[r] = n * pages / ((now_ns() - t0) / 1e9);
		pthread_barrier_destroy(&start);
		for (i = 0; i < n; i++) {
			if (t[i].err) {
				printf("# endpoint %u: %s\n", t[i].ep,
				       strerror(t[i].err));
				return false;
			}
			munmap(t[i].mem, pages * psz);
		}
	}
	for (i = 0; i < n; i++)
		unbind(fd, b[i].handle);
	printf("# %d endpoints fault %u pages each at once\n", n, pages);
	report("faults", "parallel_faults_per_s", "faults/s", rate, reps);
	return true;
}

/* 2. Invalidations per munmap()/mprotect() */

static int counters(struct sva_mock_counters *c)
{
	return mock(SVA_MOCK_COUNTERS, c);
}

static const char *size_name(size_t len)
{
	static char buf[16];

	if (len >= 1UL << 30)
		snprintf(buf, sizeof(buf), "%zuG", len >> 30);
	else if (len >= 1UL << 20)
		snprintf(buf, sizeof(buf), "%zuM", len >> 20);
	else
		snprintf(buf, sizeof(buf), "%zuK", len >> 10);
	return buf;
}

/* Touch every page up to 64 MiB; larger mappings stay untouched */
static void touch(char *p, size_t len)
{
	size_t off;

	if (len > 64UL << 20)
		return;
	for (off = 0; off < len; off += psz)
		p[off] = 1;
}

/*
 * Invalidation commands one operation on @len bytes costs with @eps bound
 * (all on one instance), and its time; @op 0 munmap, 1 mprotect.
 */
static int op_regions;

static bool measure_op(int op, size_t len, const int *eps, int n,
		       double *iotlb, double *atc, double *ns)
{
	struct sva_mock_counters c0, c1;
	unsigned int inst = topo.endpoints[eps[0]].instance;
	char *p = map(len);
	double t0, t1;
	int i, regions;

	if (!p)
		return false;
	/* The most 1 GiB regions a measured range touched (at_floor()) */
	regions = ((uintptr_t)p + len - 1) / (1UL << 30) -
		  (uintptr_t)p / (1UL << 30) + 1;
	if (regions > op_regions)
		op_regions = regions;
	touch(p, len);
	if (counters(&c0))
		return false;
	t0 = now_ns();
	if (op == 0)
		munmap(p, len);
	else
		mprotect(p, len, PROT_READ);
	t1 = now_ns();
	if (counters(&c1))
		return false;
	if (op == 1)
		munmap(p, len);
	*ns = t1 - t0;
	*iotlb = c1.instances[inst].iotlb_invalidations -
		 c0.instances[inst].iotlb_invalidations;
	*atc = -1;
	for (i = 0; i < n; i++) {
		unsigned int e = eps[i];
		double d;

		if (!(topo.endpoints[e].flags & SVA_MOCK_EP_ATS))
			continue;
		d = c1.endpoints[e].atc_invalidations -
		    c0.endpoints[e].atc_invalidations;
		/* The largest count of any ATS endpoint */
		if (d > *atc)
			*atc = d;
	}
	return true;
}

/*
 * The invalidations an operation on up to 2 MiB costs each instance, and
 * each ATS endpoint, are at their floor: one per TLB flush of the CPU.
 * An munmap() sends invalidate_range() from the mmu_gather's flushes only
 * (see unmap_vmas()): one on x86, which flushes once per mmu_gather;
 * arm64 flushes at the end of the VMA and again when free_pgtables() freed
 * a page table, which depends on the neighbouring mappings: one or two.
 * None would leave the freed pages in the IOTLB. An mprotect() also sends
 * one at each invalidate_range_end() of change_protection(), one per
 * 1 GiB region the range touches (kept because x86 flushes no TLB for
 * permissions that only grow): one to 1 + @regions. Larger ranges may
 * flush a full mmu_gather batch on the way, and are not judged. @med is
 * the median of the repetitions.
 */
static bool at_floor(int op, size_t len, int regions, const char *what,
		     double med)
{
	double most = op == 1 ? 1 + regions : 1;

#ifndef __x86_64__
	if (op == 0)
		most = 2;
#endif
	if (len > (2UL << 20) || (med >= 1 && med <= most))
		return true;
	printf("# %s of %zu bytes: %.1f %s invalidations, expected 1 to %.0f\n",
	       op == 0 ? "munmap" : "mprotect", len, med, what, most);
	return false;
}

static bool fig_invalidations(void)
{
	static const size_t sizes[] = { 4UL << 10, 2UL << 20, 64UL << 20,
					1UL << 30 };
	static const char *const opn[2] = { "munmap", "mprotect" };
	int nsizes = full ? 4 : 2;
	int eps[SVA_MOCK_MAX_ENDPOINTS], navail, ns, s, r, i, op;
	struct sva_mock_bind b[SVA_MOCK_MAX_ENDPOINTS];
	double io[MAX_REPS], at[MAX_REPS], t[MAX_REPS], ratio[MAX_REPS];
	double per_instance[2], med;
	char name[64];

	navail = solo_eps(0, eps, SVA_MOCK_MAX_ENDPOINTS);
	if (navail < 1)
		return false;
	for (op = 0; op < 2; op++) {
		for (s = 0; s < nsizes; s++) {
			const char *sz = size_name(sizes[s]);
			int counts[2] = { 1, navail };

			for (i = 0; i < (navail > 1 ? 2 : 1); i++) {
				ns = counts[i];
				op_regions = 0;
				for (r = 0; r < reps; r++) {
					double unbound, dummy;
					int k;

					/* Side by side: nothing bound, then bound */
					if (!measure_op(op, sizes[s], eps, 0, &dummy,
							&dummy, &unbound))
						return false;
					for (k = 0; k < ns; k++)
						if (bind_ep(fd, eps[k], &b[k]))
							return false;
					if (!measure_op(op, sizes[s], eps, ns, &io[r],
							&at[r], &t[r]))
						return false;
					for (k = 0; k < ns; k++)
						unbind(fd, b[k].handle);
					ratio[r] = t[r] / unbound;
				}
				snprintf(name, sizeof(name),
					 "%s_%s_%ddev_iotlb_per_instance",
					 opn[op], sz, ns);
				med = report("invalidations", name, "commands",
					     io, reps);
				if (!at_floor(op, sizes[s], op_regions, "IOTLB",
					      med))
					return false;
				/* Sorted by report(); noise only adds */
				per_instance[i] = io[0];
				if (at[0] >= 0) {
					snprintf(name, sizeof(name),
						 "%s_%s_%ddev_atc_per_device",
						 opn[op], sz, ns);
					med = report("invalidations", name,
						     "commands", at, reps);
					if (!at_floor(op, sizes[s], op_regions,
						      "ATC", med))
						return false;
				}
				snprintf(name, sizeof(name),
					 "%s_%s_%ddev_time_bound_to_unbound",
					 opn[op], sz, ns);
				report("invalidations", name, "x", ratio, reps);
			}
			/* An instance is invalidated once, not per device */
			if (navail > 1 && per_instance[1] != per_instance[0]) {
				printf("# %s %s: at least %.0f IOTLB commands with 1 device, %.0f with %d\n",
				       opn[op], sz, per_instance[0],
				       per_instance[1], navail);
				return false;
			}
		}
	}
	return true;
}

/* 3. Bind and unbind as bound processes grow */

/*
 * Processes kept bound to an endpoint until released. They all wait for
 * the end of one pipe, so that a thousand of them take two descriptors.
 */
#define MAX_BOUND	1024

struct bound_set {
	int hold[2];
	pid_t pids[MAX_BOUND];
	int n;
};

static int bound_init(struct bound_set *s)
{
	s->n = 0;
	return pipe(s->hold);
}

/* One more process of @s, bound to @ep; -1 if it could not bind */
static int bound_add(struct bound_set *s, unsigned int ep)
{
	int ready[2];
	pid_t pid;
	char c;

	if (s->n == MAX_BOUND || pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sva_mock_bind b;
		int f = open(SVA_MOCK_PATH, O_RDWR);

		close(s->hold[1]);
		close(ready[0]);
		c = f >= 0 && !bind_ep(f, ep, &b);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent closes its end */
		if (read(s->hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 || !c) {
		close(ready[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -1;
	}
	close(ready[0]);
	s->pids[s->n++] = pid;
	return 0;
}

static void bound_release(struct bound_set *s)
{
	int k;

	close(s->hold[1]);
	close(s->hold[0]);
	for (k = 0; k < s->n; k++)
		waitpid(s->pids[k], NULL, 0);
	s->n = 0;
}

/* In a new process: the times of a first bind, a second and so on */
static int bind_times(int a, int b2, double *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sva_mock_bind ba, bb, bc;
		double t[6];
		int f = open(SVA_MOCK_PATH, O_RDWR);

		close(p[0]);
		if (f < 0)
			_exit(1);
		t[0] = now_ns();
		if (bind_ep(f, a, &ba))
			_exit(2);
		t[1] = now_ns();
		if (bind_ep(f, b2, &bb))
			_exit(3);
		t[2] = now_ns();
		if (bind_ep(f, a, &bc) || bc.handle != ba.handle)
			_exit(4);
		t[3] = now_ns();
		unbind(f, bc.handle);
		unbind(f, bb.handle);
		t[4] = now_ns();
		if (unbind(f, ba.handle))
			_exit(5);
		t[5] = now_ns();
		out[0] = t[1] - t[0];	/* first bind of the mm */
		out[1] = t[2] - t[1];	/* a second endpoint, same domain */
		out[2] = t[3] - t[2];	/* the same endpoint again */
		out[3] = t[5] - t[4];	/* unbind of the last endpoint */
		if (write(p[1], out, 4 * sizeof(double)) != 4 * sizeof(double))
			_exit(6);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], out, 4 * sizeof(double)) !=
	    4 * sizeof(double)) {
		close(p[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return -1;
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	return 0;
}

static bool fig_binds(void)
{
	static const int full_levels[MAX_LEVELS] = { 1, 10, 100, 1000 };
	static const int smoke_levels[MAX_LEVELS] = { 1, 4, 0, 0 };
	const int *levels = full ? full_levels : smoke_levels;
	static const char *const what[4] = {
		"first_bind", "bind_second_endpoint", "bind_same_again",
		"unbind_last",
	};
	int eps[SVA_MOCK_MAX_ENDPOINTS], peer_eps[SVA_MOCK_MAX_ENDPOINTS];
	static struct bound_set bound;
	double v[4][MAX_REPS];
	int l, r, k, peer;
	bool ok = true;

	peer = peer_instance(0);
	if (solo_eps(0, eps, 1) < 1 || peer < 0 ||
	    solo_eps(peer, peer_eps, 1) < 1 || bound_init(&bound))
		return false;
	for (l = 0; l < MAX_LEVELS && levels[l]; l++) {
		/* levels[l] processes bound, this one's child included */
		while (bound.n < levels[l] - 1) {
			if (bound_add(&bound, eps[0])) {
				ok = false;
				goto out;
			}
		}
		for (r = 0; r < reps; r++) {
			double t[4];

			if (bind_times(eps[0], peer_eps[0], t)) {
				ok = false;
				goto out;
			}
			for (k = 0; k < 4; k++)
				v[k][r] = t[k] / 1e3;
		}
		for (k = 0; k < 4; k++) {
			char name[64];

			snprintf(name, sizeof(name), "%s_%dproc", what[k],
				 levels[l]);
			report("binds", name, "us", v[k], reps);
		}
	}
out:
	bound_release(&bound);
	return ok;
}

/* 4. The x86 kernel page-table free, as bound mms grow */

static int kpt(__u32 op)
{
	struct sva_mock_kernel_pgtable k = { .op = op };

	return mock(SVA_MOCK_KERNEL_PGTABLE, &k);
}

/*
 * Kernel page tables allocated and freed (memremap_pages() and
 * memunmap_pages() of 2 MiB) with 0 to 100 processes bound: the time of
 * a cycle against the same cycle with nothing bound, in the same run, and
 * the kernel-range invalidations the deferred free sends per cycle to
 * the instance the processes are bound on. Returns 0, or -1 if the
 * figure cannot be measured, or 1 if this kernel frees no kernel page
 * tables on demand (not x86).
 */
static int fig_kernel_pgtables(void)
{
	static const int full_levels[MAX_LEVELS] = { 0, 1, 10, 100 };
	static const int smoke_levels[MAX_LEVELS] = { 0, 1, 3, -1 };
	const int *levels = full ? full_levels : smoke_levels;
	int cycles = full ? 16 : 4;
	int eps[1], l, r, c, ret = 0;
	static struct bound_set bound;
	struct sva_mock_counters c0, c1;
	double t[MAX_REPS], inv[MAX_REPS], ratio[MAX_REPS], base = 0, med;
	char name[64];

	if (solo_eps(0, eps, 1) < 1)
		return -1;
	if (kpt(SVA_MOCK_KPT_MAP) == EOPNOTSUPP)
		return 1;
	kpt(SVA_MOCK_KPT_UNMAP);
	if (bound_init(&bound))
		return -1;
	for (l = 0; l < MAX_LEVELS && levels[l] >= 0; l++) {
		while (bound.n < levels[l]) {
			if (bound_add(&bound, eps[0])) {
				ret = -1;
				goto out;
			}
		}
		for (r = 0; r < reps; r++) {
			double t0;

			if (counters(&c0)) {
				ret = -1;
				goto out;
			}
			t0 = now_ns();
			for (c = 0; c < cycles; c++) {
				if (kpt(SVA_MOCK_KPT_MAP) ||
				    kpt(SVA_MOCK_KPT_UNMAP)) {
					ret = -1;
					goto out;
				}
			}
			t[r] = (now_ns() - t0) / cycles / 1e3;
			/* The invalidations come from deferred work */
			usleep(100000);
			if (counters(&c1)) {
				ret = -1;
				goto out;
			}
			inv[r] = (double)(c1.instances[0].iotlb_invalidations -
					  c0.instances[0].iotlb_invalidations) /
				 cycles;
		}
		snprintf(name, sizeof(name), "cycle_%dproc", levels[l]);
		med = report("kernel_pgtables", name, "us", t, reps);
		if (!l)
			base = med;
		for (r = 0; r < reps; r++)
			ratio[r] = t[r] / base;
		snprintf(name, sizeof(name), "cycle_%dproc_to_0proc", levels[l]);
		report("kernel_pgtables", name, "x", ratio, reps);
		snprintf(name, sizeof(name), "iotlb_per_cycle_%dproc", levels[l]);
		report("kernel_pgtables", name, "commands", inv, reps);
	}
out:
	bound_release(&bound);
	return ret;
}

/*
 * SVABENCH_ONLY=FIGURE runs one figure (make bench's kernels other than
 * the series' run only the figures they are compared on); the others
 * are reported as skipped.
 */
static bool selected(const char *figure)
{
	const char *only = getenv("SVABENCH_ONLY");

	if (!only || !*only || !strcmp(only, figure))
		return true;
	printf("ok %d %s # SKIP SVABENCH_ONLY=%s\n", ++nr_results, figure, only);
	return false;
}

/*
 * SVABENCH_CPU=N runs the benchmark on CPU N, and SVABENCH_WQ_CPU=N the
 * kernel's unbound work items (the IOPF queue's among them) on CPU N:
 * where the fault path's wake-ups cross CPUs, and where they do not.
 */
static void place(void)
{
	const char *cpu = getenv("SVABENCH_CPU");
	const char *wq = getenv("SVABENCH_WQ_CPU");

	if (cpu && *cpu) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(cpu), &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			printf("# SVABENCH_CPU=%s: %s\n", cpu, strerror(errno));
	}
	if (wq && *wq) {
		FILE *f = fopen("/sys/devices/virtual/workqueue/cpumask", "w");
		int n = atoi(wq), bad = n < 0 || n > 31 || !f;

		/* One 32-bit group: CPUs 0 to 31 */
		if (f) {
			bad |= !bad && fprintf(f, "%x\n", 1U << n) < 0;
			bad |= fclose(f) != 0;
		}
		if (bad)
			printf("# SVABENCH_WQ_CPU=%s: not set (%s)\n", wq,
			       strerror(errno));
	}
	printf("# svabench: benchmark on CPU %s, unbound work on CPU %s\n",
	       cpu && *cpu ? cpu : "any", wq && *wq ? wq : "any");
}

int main(void)
{
	const char *mode = getenv("SVABENCH");
	int ret;

	full = mode && !strcmp(mode, "full");
	reps = full ? 7 : 3;
	psz = sysconf(_SC_PAGESIZE);
	printf("KTAP version 1\n1..5\n");
	printf("# svabench: %s run, %d repetitions, %ld-byte pages\n",
	       full ? "full" : "smoke", reps, psz);
	fd = open(SVA_MOCK_PATH, O_RDWR);
	if (fd < 0 || mock(SVA_MOCK_TOPOLOGY, &topo)) {
		printf("# %s: %s\n", SVA_MOCK_PATH, strerror(errno));
		return 1;
	}
	place();
	fflush(stdout);
	if (selected("faults"))
		result(fig_faults(), "faults");
	if (selected("fault_throughput"))
		result(fig_fault_throughput(), "fault_throughput");
	if (selected("invalidations"))
		result(fig_invalidations(), "invalidations");
	if (selected("binds"))
		result(fig_binds(), "binds");
	if (!selected("kernel_pgtables"))
		return nr_failed ? 1 : 0;
	ret = fig_kernel_pgtables();
	if (ret > 0)
		printf("ok %d kernel_pgtables # SKIP no kernel page tables to free on demand (x86 only)\n",
		       ++nr_results);
	else
		result(!ret, "kernel_pgtables");
	return nr_failed ? 1 : 0;
}
