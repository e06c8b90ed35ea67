// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_memcpy2: the sample software engine built a second time, as its
 * own module with its own platform devices ("dmaeng_memcpy2", ...), so that
 * two providers with different capability sets can be loaded, pinned and
 * unloaded independently (see dmaeng_memcpy.c; KBUILD_MODNAME names it).
 */
#include "dmaeng_memcpy.c"
