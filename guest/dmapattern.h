/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data pattern of the DMA test disk, shared by the host tool (dmadisk) that
 * writes and verifies the image and the guest test (dmatest) that reads and
 * writes it through the IOMMU.
 *
 * Layout: the first half holds SEED_HOST, written by the host; the guest
 * checks it and fills the second half with SEED_GUEST, which the host checks
 * after the guest has powered off.
 */
#ifndef DMAPATTERN_H
#define DMAPATTERN_H

#include <stddef.h>
#include <stdint.h>

#define DMADISK_SERIAL "iommu-dmatest"
#define DMADISK_SIZE (8u << 20)
#define DMADISK_HALF (DMADISK_SIZE / 2)
#define DMADISK_SEED_HOST 0x5eed0001ull
#define DMADISK_SEED_GUEST 0x5eed0002ull

static inline uint64_t dma_pattern_word(uint64_t seed, uint64_t index)
{
	/* splitmix64: every 8-byte word differs, so shifts and swaps show. */
	uint64_t z = seed * 0x9e3779b97f4a7c15ull + index;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Fill or check @len bytes that start @off bytes into a region. */
static inline void dma_pattern_fill(void *buf, size_t off, size_t len,
				    uint64_t seed)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = dma_pattern_word(seed, off / 8 + i);
}

/* Returns the byte offset of the first mismatch, or (size_t)-1. */
static inline size_t dma_pattern_check(const void *buf, size_t off,
				       size_t len, uint64_t seed)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != dma_pattern_word(seed, off / 8 + i))
			return off + i * 8;
	return (size_t)-1;
}

#endif
