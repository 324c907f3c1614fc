"""The call script of one case, for the agent on the call: the profile's script for the case's
stage and the borrower's language, rendered with the case's data (the message templates'
variables, plus the agent's name).

What is shown before the borrower is verified (`opening`, `safe_message`) has no debt detail
in it; `disclosure` and `body` are for the verified borrower only. A profile that requires the
call disclosure gets it even from a script edited without one: the shipped words are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from collections_app.compliance.consent_rules import disclosure_needed
from collections_app.models import CallScript, CollectionCase, JurisdictionProfile
from collections_app.outreach.call_script_defaults import DISCLOSURE
from collections_app.outreach.rendering import (
    message_context,
    render_text,
    time_barred_disclosure,
)
from collections_app.selectors.debt_status import case_debt_status
from collections_app.web.voice import (
    RECORDING_DISCLOSURE,
    THIRD_PARTY_SAFE,
    THIRD_PARTY_SAFE_NO_NUMBER,
    first_name,
    language_of,
)

# What the opening may use: who is calling and whom they ask for.
OPENING_VARIABLES = ("name", "first_name", "company_name", "callback_number", "agent_name")


@dataclass(frozen=True)
class RenderedScript:
    opening: str  # for whoever answers
    safe_message: str  # what may be left with a third party or a voicemail
    disclosure: str  # once verified
    body: str  # once verified; "" when no script is written for the stage
    disclosure_required: bool
    # Said first, to whoever answers, when the profile records calls and requires it.
    recording_disclosure: str = ""


def safe_message(case: CollectionCase) -> str:
    """The automated calls' voicemail-safe words (web/voice.py), with the number written for a
    person to read out rather than spelt digit by digit for text-to-speech."""
    borrower = case.loan.borrower
    language = language_of(borrower)
    number = settings.COMPANY_CALLBACK_NUMBER
    text = (THIRD_PARTY_SAFE if number else THIRD_PARTY_SAFE_NO_NUMBER)[language]
    return text.format(
        name=first_name(borrower, language), company=settings.COMPANY_NAME, number=number
    )


def _language(case: CollectionCase) -> str:
    return "zh-Hans" if case.loan.borrower.preferred_language == "zh-Hans" else "en"


def script_for(case: CollectionCase) -> CallScript | None:
    """The active script for the case's stage (a paused case: the stage it paused from) and the
    borrower's language, else the stage's English one."""
    borrower = case.loan.borrower
    stage = case.paused_from or case.state
    found = {
        s.language: s
        for s in CallScript.objects.filter(
            jurisdiction=borrower.jurisdiction,
            stage=stage,
            language__in=[_language(case), "en"],
            is_active=True,
        )
    }
    return found.get(_language(case)) or found.get("en")


def recording_disclosure(case: CollectionCase) -> str:
    """The words that open a recorded call where the borrower's profile requires them (the
    automated calls' words, web/voice.py), or ""."""
    borrower = case.loan.borrower
    profile = JurisdictionProfile.objects.filter(
        code=borrower.jurisdiction, is_current=True
    ).first()
    if profile is None or not profile.calls_recorded:
        return ""
    if not disclosure_needed(profile.recording_disclosure_regions, borrower.region):
        return ""
    return RECORDING_DISCLOSURE[language_of(borrower)]


def _disclosure_required(case: CollectionCase) -> bool:
    return JurisdictionProfile.objects.filter(
        code=case.loan.borrower.jurisdiction, is_current=True, requires_call_disclosure=True
    ).exists()


def render_call_script(case: CollectionCase, agent: AbstractBaseUser) -> RenderedScript:
    """Raises outreach.rendering.TemplateRenderError for a script that cannot render."""
    borrower = case.loan.borrower
    # A time-barred debt: consequences without a threat of suit, and the state's disclosure
    # read after the call disclosure (12 CFR 1006.26(b)).
    debt = case_debt_status(case)
    context = message_context(case, debt=debt) | {
        "agent_name": agent.get_full_name() or agent.get_username()
    }
    script = script_for(case)
    required = _disclosure_required(case)
    language = script.language if script else _language(case)
    disclosure_source = script.disclosure if script else ""
    if required and not disclosure_source.strip():
        disclosure_source = (
            DISCLOSURE.get((borrower.jurisdiction, language)) or DISCLOSURE[("US", language)]
        )
    barred_text = time_barred_disclosure(debt, language)
    opening_source = script.opening if script else ""
    if not opening_source:
        opening_source = _("Hello, may I speak with {{ name }}?")
    # The opening is heard by whoever answers: it renders with no debt variable at all, so a
    # script edited to quote the amount there fails instead of telling a third party.
    safe_context = {k: context[k] for k in OPENING_VARIABLES}
    return RenderedScript(
        opening=render_text(opening_source, safe_context, "call script opening"),
        safe_message=safe_message(case),
        disclosure=" ".join(
            part
            for part in (
                render_text(disclosure_source, context, "call script disclosure"),
                barred_text,
            )
            if part
        ),
        body=render_text(script.body, context, "call script body") if script else "",
        disclosure_required=required or bool(barred_text),
        recording_disclosure=recording_disclosure(case),
    )
