"""The parser's three layers, one module each: known selectors, text patterns, the generic body finder.

Each layer reads the page through the extractor ``x`` of article.py (its draft record, ``select``,
``labelled``, ``take_body``) and fills the fields it finds, recording its own name as their layer.
"""
