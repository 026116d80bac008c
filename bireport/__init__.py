"""bireport — a static bilingual (Chinese ⇄ English) report site generator.

Stages (one module each): manifest → sources (adapters) → repairs → tables → charts (+ chartsvg) →
i18n (translation memory) → render (Jinja2 → docs/) → MkDocs → pdf.
"""

__version__ = "0.1.0"
