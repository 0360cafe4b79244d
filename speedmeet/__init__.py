"""speedmeet: plan speed-meeting rotations so that everyone meets new people from other organisations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("speedmeet")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
