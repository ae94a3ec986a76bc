"""soptrack: a keyboard-first tracker for the SOPs of Indonesian regional offices.

The repository keeps its design-card folders (sop/, store/, exporters/, services/, cli/,
tui/) at the top; pyproject.toml installs each of them under this one namespace, so nothing
with a generic name such as `store` or `tui` lands at the top of site-packages.
"""

__version__ = "0.2.0"
