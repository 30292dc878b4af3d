"""The product's tests (the fakes keep theirs beside them)."""

import sys

# A shell may set PYTHONDONTWRITEBYTECODE (this machine's does). Every xdist worker and every
# process a test starts (main.py worker, the demo, faketg) would then compile each test module
# (pytest's assertion rewrite) and each product module afresh: about 3 s of CPU per worker.
# This package is imported before its conftest imports the product; the caches land in
# __pycache__/, which git ignores.
sys.dont_write_bytecode = False
