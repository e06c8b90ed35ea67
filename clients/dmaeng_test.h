/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng_test: what the module's two parts share.  dmaeng_test_main.c has
 * the module, its parameters, debugfs and the memcpy test;
 * dmaeng_test_xfer.c the other transfer types (test=memset, sg, slave,
 * cyclic, pause).
 */
#ifndef _DMAENG_TEST_H
#define _DMAENG_TEST_H

#include <linux/types.h>

struct dmaeng_chan;
struct dmaeng_client;

#define DT_FILL		0x3c	/* destination fill: top bit clear */
#define DT_MAX_CHANS	64
#define DT_MAX_SIZE	(4U << 20)
#define DT_LINE		320	/* one result line */
#define DT_GUARD	4096	/* bytes checked on each side of a copy */
#define DT_SCAN_EVERY	64	/* copies between two full buffer scans */

/* What a write of 1 to debugfs dmaeng_test/run runs (parameter test=). */
enum dt_test {
	DT_TEST_MEMCPY,
	DT_TEST_MEMSET,
	DT_TEST_SG,
	DT_TEST_SLAVE,
	DT_TEST_CYCLIC,
	DT_TEST_PAUSE,
	DT_TEST_COUNT,
};

extern const char * const dt_test_names[DT_TEST_COUNT];

/**
 * struct dt_xfer_params - one run of a test other than memcpy
 * @test: the test
 * @iterations: transfers per channel (memset, sg) or rounds (the others)
 * @max_size: the largest transfer, bytes
 * @timeout_ms: how long any one wait may take before it is a failure
 * @seed: the run's seed for every random choice
 * @owner: the client the selected channels are mapped for (NULL for a
 *	private channel)
 * @chans: the selected channels (memset, sg)
 * @nchans: how many
 */
struct dt_xfer_params {
	enum dt_test test;
	unsigned int iterations;
	unsigned int max_size;
	unsigned int timeout_ms;
	u32 seed;
	const struct dmaeng_client *owner;
	struct dmaeng_chan **chans;
	int nchans;
};

/**
 * struct dt_report - the results of a run of a test other than memcpy
 * @test: the test
 * @err: what the write of run returned (0, or a negative errno)
 * @nlines: result lines in @line
 * @transfers: the sum over the lines
 * @failures: likewise
 * @line: one line per channel, or per tx/rx pair, "\n"-terminated
 */
struct dt_report {
	enum dt_test test;
	int err;
	int nlines;
	u64 transfers;
	u64 failures;
	char line[DT_MAX_CHANS][DT_LINE];
};

/* Source bytes: the top bit set, so never DT_FILL; they depend on @i. */
static inline u8 dt_pattern(size_t i)
{
	return 0x80 | ((u32)(i * 2654435761U) >> 25);
}

int dt_xfer_run(const struct dt_xfer_params *p, struct dt_report *rep);
int dt_xfer_init(void);
void dt_xfer_exit(void);

#endif /* _DMAENG_TEST_H */
