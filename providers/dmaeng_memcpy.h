/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peripheral that dmaeng_memcpy models for its SLAVE and CYCLIC
 * capabilities: what a board file would tell a peripheral driver.
 *
 * Each dmaeng_memcpy device has one loopback FIFO of DMAENG_MEMCPY_FIFO_DEPTH
 * bytes, shared by its channels, whose data register sits at device address
 * DMAENG_MEMCPY_FIFO_ADDR on the device's peripheral bus.  A MEM_TO_DEV
 * transfer pushes bytes into it, a DEV_TO_MEM transfer pops them, in
 * order, one burst (width x maxburst bytes) at a time: a transfer stalls
 * while the FIFO is full (MEM_TO_DEV) or empty (DEV_TO_MEM) and goes on
 * when another channel of the device makes room or data.  What one channel
 * writes, another reads back byte for byte.  Terminating a channel of the
 * device empties the FIFO, as resetting the peripheral would.  Any other
 * device address is an error (DMAENG_RESULT_ERROR, and a dev_err).
 *
 * Named channels (dmaeng_request_chan()) for a client device named
 * DMAENG_MEMCPY_SLAVE_DEV: "tx" is channel 0, "rx" channel 1 (channel 0
 * when the device has one channel); only devices offering DMAENG_SLAVE or
 * DMAENG_CYCLIC have the map.
 */
#ifndef _DMAENG_MEMCPY_H
#define _DMAENG_MEMCPY_H

#define DMAENG_MEMCPY_FIFO_ADDR		0xd0000000u
#define DMAENG_MEMCPY_FIFO_DEPTH	4096
#define DMAENG_MEMCPY_SLAVE_DEV		"dmaeng_test"

#endif /* _DMAENG_MEMCPY_H */
