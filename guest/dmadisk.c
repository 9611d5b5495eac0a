// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the DMA test: "dmadisk create IMG" writes the disk image,
 * "dmadisk verify IMG" checks, after the guest ran, that the data the guest
 * wrote through the IOMMU reached the disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmapattern.h"

static int create(const char *path)
{
	char *buf = calloc(1, DMADISK_SIZE);
	FILE *f = fopen(path, "wb");

	if (!buf || !f) {
		perror(path);
		return 1;
	}
	dma_pattern_fill(buf, 0, DMADISK_HALF, DMADISK_SEED_HOST);
	if (fwrite(buf, 1, DMADISK_SIZE, f) != DMADISK_SIZE || fclose(f)) {
		perror(path);
		return 1;
	}
	free(buf);
	return 0;
}

static int verify(const char *path)
{
	char *buf = malloc(DMADISK_SIZE);
	FILE *f = fopen(path, "rb");
	size_t bad;

	if (!buf || !f || fread(buf, 1, DMADISK_SIZE, f) != DMADISK_SIZE) {
		fprintf(stderr, "%s: cannot read %u bytes\n", path, DMADISK_SIZE);
		return 1;
	}
	fclose(f);
	bad = dma_pattern_check(buf, 0, DMADISK_HALF, DMADISK_SEED_HOST);
	if (bad != (size_t)-1) {
		fprintf(stderr, "%s: host pattern damaged at byte %zu\n", path, bad);
		return 1;
	}
	bad = dma_pattern_check(buf + DMADISK_HALF, 0, DMADISK_HALF,
				DMADISK_SEED_GUEST);
	if (bad != (size_t)-1) {
		fprintf(stderr, "%s: guest pattern missing at byte %zu of the second half\n",
			path, bad);
		return 1;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "create"))
		return create(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "verify"))
		return verify(argv[2]);
	fprintf(stderr, "usage: dmadisk create|verify IMAGE\n");
	return 2;
}
