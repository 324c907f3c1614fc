"""The validation notice as a PDF letter (fpdf2), in the borrower's language. The fonts ship in
collections_app/fonts with their licences: DejaVu Sans for Latin text, Droid Sans Fallback for
Chinese characters (a name, the zh-Hans notice), so both print from one page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import translation
from fpdf import FPDF

from collections_app.models import ValidationNotice
from collections_app.services.validation_notices import (
    notice_sections,
    notice_subject,
    stored_itemization,
)

FONTS = Path(__file__).resolve().parent.parent / "fonts"


def _pdf() -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("dejavu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("droid", "", str(FONTS / "DroidSansFallback.ttf"))
    pdf.set_fallback_fonts(["droid"], exact_match=False)
    return pdf


def validation_letter_pdf(notice: ValidationNotice, provided_on: dt.date) -> bytes:
    """The letter dated `provided_on` (the day it is mailed: its validation period counts from
    it; record it with validation_notice_provided)."""
    case = notice.case
    pdf = _pdf()
    pdf.set_title(notice_subject(case))
    pdf.add_page()
    with translation.override(case.loan.borrower.preferred_language):
        sections = notice_sections(case, stored_itemization(notice), provided_on)
    width = pdf.epw
    pdf.set_font("dejavu", "B", 14)
    pdf.multi_cell(width, 8, notice_subject(case), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for heading, lines in sections:
        pdf.set_font("dejavu", "B", 11)
        pdf.multi_cell(width, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dejavu", "", 10)
        for line in lines:
            pdf.multi_cell(width, 5.5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())
