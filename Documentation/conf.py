# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for the dmaeng documentation (make docs).  The
# kernel-doc directive comes from the kernel tree's own Sphinx extension;
# tools/docs.sh passes its location in DMAENG_KERNEL_SRC.

import os
import sys

ksrc = os.environ.get("DMAENG_KERNEL_SRC", "../build/kernel/src")
sys.path.insert(0, os.path.join(ksrc, "Documentation", "sphinx"))

project = "dmaeng"
copyright = "The dmaeng developers"
extensions = ["kerneldoc"]
kerneldoc_bin = os.path.join(ksrc, "scripts", "kernel-doc")
kerneldoc_srctree = os.path.abspath("..")
master_doc = "index"
exclude_patterns = ["ABI"]
html_theme = "alabaster"
