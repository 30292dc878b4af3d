"""The test run's first conftest: lets Python cache compiled modules for the whole run."""

import sys

# A shell may set PYTHONDONTWRITEBYTECODE (this machine's does). Every xdist worker and every
# process a test starts (main.py worker, the demo, faketg) would then compile each test module
# (pytest's assertion rewrite) and each product module afresh: about 3 s of CPU per worker.
# The caches land in __pycache__/, which git ignores; a later run reads them.
sys.dont_write_bytecode = False
