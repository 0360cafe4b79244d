"""speedmeet: plan speed-meeting rotations so that everyone meets new people from other organisations."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, looked up only when asked: importing the package stays instant, so that
    the `speedmeet` command installs its Ctrl-C handling before anything slow runs."""
    if name != "__version__":
        raise AttributeError(f"module 'speedmeet' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("speedmeet")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0"
