"""soptrack's user interfaces: the Textual app and the command line.

Importing this package must stay cheap: CLI commands never import Textual.
"""
