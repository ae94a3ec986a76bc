"""The argparse command line: one module per command group, all calling soptrack.services.

Never imports Textual (an import contract checks it), so commands typed over SSH start fast;
rich is imported only by the commands that print tables.
"""
