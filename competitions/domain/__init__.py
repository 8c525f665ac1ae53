"""Pure rules of labour and skills competitions.

Everything in this package is plain Python (stdlib only): frozen dataclasses in,
plain values out. Nothing here imports Flask, SQLAlchemy, WTForms or reportlab;
``tests/unit/test_domain_purity.py`` scans the imports and fails if one appears.
Services in the blueprint packages load rows, call these functions and write.
"""
