// SPDX-License-Identifier: GPL-2.0
/*
 * A planted DMA API violation: map 64 bytes, unmap 32.  dma-debug counts it
 * in error_count; `make check-selftest` proves that the harness reports it.
 * Never part of `make check`.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

static struct platform_device *st_pdev;
static void *st_buf;

static int __init st_init(void)
{
	dma_addr_t addr;
	int err;

	st_pdev = platform_device_register_simple("dmaeng_selftest", -1, NULL, 0);
	if (IS_ERR(st_pdev))
		return PTR_ERR(st_pdev);
	err = dma_coerce_mask_and_coherent(&st_pdev->dev, DMA_BIT_MASK(64));
	st_buf = kmalloc(64, GFP_KERNEL);
	if (err || !st_buf)
		goto fail;
	addr = dma_map_single(&st_pdev->dev, st_buf, 64, DMA_TO_DEVICE);
	if (dma_mapping_error(&st_pdev->dev, addr))
		goto fail;
	dma_unmap_single(&st_pdev->dev, addr, 32, DMA_TO_DEVICE);
	return 0;
fail:
	kfree(st_buf);
	platform_device_unregister(st_pdev);
	return -ENOMEM;
}

static void __exit st_exit(void)
{
	kfree(st_buf);
	platform_device_unregister(st_pdev);
}

module_init(st_init);
module_exit(st_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted dma-debug error");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
