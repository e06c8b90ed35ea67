# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make check-selftest`: the planted dma-debug violation.
# (The planted KUnit failure runs with the other KUnit modules.)
. /dmaeng/guest/lib.sh

suite_begin dmaeng_selftest_guest
t_run "load the planted dma-debug violation" modload dmaeng_selftest_dmadebug
t_run "unload it" rmmod dmaeng_selftest_dmadebug
suite_end
