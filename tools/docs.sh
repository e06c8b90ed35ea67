#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make docs: build Documentation/ with Sphinx from Debian's packages into
# build/docs/ (HTML), warnings as errors.  The kernel-doc directive and
# script come from the linux-source-6.12 tree (extracted, not built).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tools/deps.sh python3-sphinx
tools/kernel.sh --source
export DMAENG_KERNEL_SRC=$top/build/kernel/src
rm -rf build/docs
sphinx-build -q -W --keep-going -b html Documentation build/docs
echo "docs: build/docs/index.html"
