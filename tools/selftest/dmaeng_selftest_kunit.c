// SPDX-License-Identifier: GPL-2.0
/*
 * A KUnit suite with one case that must fail: `make check-selftest` proves
 * that the harness reports it.  Never part of `make check`.
 */

#include <linux/module.h>
#include <kunit/test.h>

static void dmaeng_selftest_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

static void dmaeng_selftest_planted_failure(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1 + 1, 3, "planted failure");
}

static struct kunit_case dmaeng_selftest_cases[] = {
	KUNIT_CASE(dmaeng_selftest_passes),
	KUNIT_CASE(dmaeng_selftest_planted_failure),
	{}
};

static struct kunit_suite dmaeng_selftest_suite = {
	.name = "dmaeng_selftest",
	.test_cases = dmaeng_selftest_cases,
};

kunit_test_suite(dmaeng_selftest_suite);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted KUnit failure");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
