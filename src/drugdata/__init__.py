"""drugdata: turn drug monograph pages into validated, traceable fact tables."""

__all__ = ["PIPELINE_VERSION", "__version__"]

__version__ = "0.1.0"
# Bump when extraction output can change for the same input (invalidates caches in later issues).
PIPELINE_VERSION = "0.1.0"
