"""Run the cross-domain integration scenarios and print one line per check.

Usage, from the repository root::

    python src/packages/deployment/validation/simplified_integration_test.py [--verbose]

Exit code 0 when every check passes, 1 otherwise. The scenarios live in
:mod:`deployment.validation.scenarios`; this file is only the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import deployment  # noqa: F401  (installed, or already on the path)
except ImportError:  # run as a file from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from deployment.validation.scenarios import main

if __name__ == "__main__":
    raise SystemExit(main())
