// SPDX-License-Identifier: GPL-2.0
/*
 * DMA through the platform IOMMU: a virtio-blk disk with iommu_platform=on
 * is read and written with O_DIRECT, so every byte moves by device DMA that
 * the emulated VT-d or SMMUv3 must translate. The disk is found by its serial
 * number; its pattern comes from dmapattern.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "dmapattern.h"

/* Name of the block device whose serial is DMADISK_SERIAL, e.g. "vda". */
static int find_disk(char *name, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[PATH_MAX], serial[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(serial, sizeof(serial), f) &&
		    !strncmp(serial, DMADISK_SERIAL, strlen(DMADISK_SERIAL))) {
			snprintf(name, len, "%s", e->d_name);
			found = 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, len, f)) {
		buf[strcspn(buf, "\n")] = 0;
		ret = 0;
	}
	fclose(f);
	return ret;
}

FIXTURE(disk) {
	char name[NAME_MAX + 1];
	int fd;
	void *buf;
};

#define CHUNK_MAX (1u << 20)

FIXTURE_SETUP(disk)
{
	char path[PATH_MAX];

	ASSERT_EQ(0, find_disk(self->name, sizeof(self->name)))
		TH_LOG("no block device with serial %s", DMADISK_SERIAL);
	snprintf(path, sizeof(path), "/dev/%s", self->name);
	self->fd = open(path, O_RDWR | O_DIRECT);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", path);
	self->buf = mmap(NULL, CHUNK_MAX, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
}

FIXTURE_TEARDOWN(disk)
{
	munmap(self->buf, CHUNK_MAX);
	close(self->fd);
}

/* The disk's PCI function is in an IOMMU group that translates its DMA. */
TEST_F(disk, is_translated_by_an_iommu)
{
	char path[PATH_MAX], group[PATH_MAX], type[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/block/%s/device/../iommu_group",
		 self->name);
	n = readlink(path, group, sizeof(group) - 1);
	ASSERT_LT(0, n) TH_LOG("%s: not in an IOMMU group", self->name);
	group[n] = 0;
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type",
		 strrchr(group, '/') + 1);
	ASSERT_EQ(0, read_line(path, type, sizeof(type)));
	TH_LOG("%s: IOMMU group %s, domain type %s", self->name,
	       strrchr(group, '/') + 1, type);
	ASSERT_EQ(0, strncmp(type, "DMA", 3)) TH_LOG("domain type %s", type);

	snprintf(path, sizeof(path), "/sys/block/%s/device/../iommu", self->name);
	n = readlink(path, group, sizeof(group) - 1);
	ASSERT_LT(0, n) TH_LOG("no IOMMU instance linked");
	group[n] = 0;
	TH_LOG("IOMMU instance %s", strrchr(group, '/') + 1);
}

/* Reads of several sizes and alignments see exactly the host's pattern. */
TEST_F(disk, reads_the_host_pattern)
{
	static const size_t sizes[] = { 4096, 512, 65536, 12288, CHUNK_MAX };
	size_t off = 0, i = 0;

	while (off < DMADISK_HALF) {
		size_t len = sizes[i++ % ARRAY_SIZE(sizes)], bad;

		if (len > DMADISK_HALF - off)
			len = DMADISK_HALF - off;
		memset(self->buf, 0xa5, len);
		ASSERT_EQ((ssize_t)len, pread(self->fd, self->buf, len, off));
		bad = dma_pattern_check(self->buf, off, len, DMADISK_SEED_HOST);
		ASSERT_EQ((size_t)-1, bad) TH_LOG("mismatch at byte %zu", bad);
		off += len;
	}
}

/* What the device writes from memory reads back unchanged. */
TEST_F(disk, writes_read_back)
{
	size_t off, len = 65536, bad;

	for (off = 0; off < DMADISK_HALF; off += len) {
		dma_pattern_fill(self->buf, off, len, DMADISK_SEED_GUEST);
		ASSERT_EQ((ssize_t)len,
			  pwrite(self->fd, self->buf, len, DMADISK_HALF + off));
	}
	ASSERT_EQ(0, fsync(self->fd));
	for (off = 0; off < DMADISK_HALF; off += CHUNK_MAX) {
		memset(self->buf, 0, CHUNK_MAX);
		ASSERT_EQ((ssize_t)CHUNK_MAX,
			  pread(self->fd, self->buf, CHUNK_MAX, DMADISK_HALF + off));
		bad = dma_pattern_check(self->buf, off, CHUNK_MAX,
					DMADISK_SEED_GUEST);
		ASSERT_EQ((size_t)-1, bad) TH_LOG("mismatch at byte %zu", bad);
	}
}

/*
 * A full read and write pass leaves no IOMMU translation fault in the
 * kernel log (checked from boot on, so earlier faults count too).
 */
TEST_F(disk, dma_logs_no_iommu_fault)
{
	static const char *const marks[] = {
		"DMAR: [DMA", "DMAR: DRHD: handling fault", "[fault reason",
	};
	char rec[2048];
	size_t off;
	int fd, faults = 0;
	ssize_t n;

	for (off = 0; off < DMADISK_SIZE; off += CHUNK_MAX)
		ASSERT_EQ((ssize_t)CHUNK_MAX,
			  pread(self->fd, self->buf, CHUNK_MAX, off));
	ASSERT_EQ((ssize_t)CHUNK_MAX,
		  pwrite(self->fd, self->buf, CHUNK_MAX, DMADISK_SIZE - CHUNK_MAX));
	ASSERT_EQ(0, fsync(self->fd));

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		const char *msg;
		size_t i;
		int hit = 0;

		if (n <= 0)
			continue;
		rec[n] = 0;
		msg = strchr(rec, ';') ? strchr(rec, ';') + 1 : rec;
		for (i = 0; i < ARRAY_SIZE(marks); i++)
			hit |= !!strstr(msg, marks[i]);
		/* SMMUv3 event records: "arm-smmu-v3 ...: event 0x10 received:" */
		hit |= strstr(msg, "arm-smmu-v3") && strstr(msg, " event ");
		if (hit) {
			TH_LOG("fault: %s", msg);
			faults++;
		}
	}
	close(fd);
	ASSERT_EQ(0, faults);
}

TEST_HARNESS_MAIN
