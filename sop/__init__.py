"""soptrack's domain: SOP definitions, runs, step states and the workflow rules.

Pure Python: nothing here touches a terminal, a database or another soptrack package.
"""
