"""Check the domain boundaries of a packages tree; from the repository root:

python src/packages/deployment/scripts/boundary-violation-check.py src/packages \
    --fail-on-violations
"""

import sys
from pathlib import Path

try:
    from deployment.boundaries.cli import main
except ImportError:  # run from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from deployment.boundaries.cli import main

if __name__ == "__main__":
    sys.exit(main())
