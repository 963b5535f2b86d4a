"""`python -m drugdata` runs the command line."""

from drugdata.cli import main

raise SystemExit(main())
