"""Word (.docx) documents built from domain objects with python-docx."""
