"""TwiML for our outbound calls: Twilio asks `answer` what to say once the call connects.

Answering-machine detection (`machine_detection=DetectMessageEnd` on the call) tells us who
picked up in `AnsweredBy`. A machine, or a fax, may be heard by anyone in the household: it gets
only who is calling and a number to call back, never a word about a debt (12 CFR 1006.6(d),
third-party disclosure; the CN profile has the same rule). A person may be someone else in the
household too: they are asked first whether they are the borrower, and only a "yes" (keypad 1,
answered by the gather webhook, webhooks/ivr.py) hears the message and the keypad menu.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.voice_response import VoiceResponse

from collections_app.compliance.consent_rules import disclosure_needed
from collections_app.models import Borrower, ContactAttempt, JurisdictionProfile, OutboundMessage
from collections_app.outreach.rendering import spoken_digits
from collections_app.web.twilio_signature import twilio_signed
from collections_app.webhooks import ivr
from collections_app.webhooks.answers import call_context

logger = logging.getLogger(__name__)

# Issue 5's endpoint for the keypad menu (a stable path, documented in the README).
GATHER_PATH = "/webhooks/twilio/voice/gather/"


THIRD_PARTY_SAFE = {
    "en": "This is a message for {name} from {company}. Please call us back at {number}.",
    "zh-Hans": "这是给{name}的留言，来自{company}。请回电{number}。",
}
# Said first on every recorded call where the profile requires it (two-party-consent states;
# CN where calls are recorded), to whoever answers: it names no debt.
RECORDING_DISCLOSURE = {
    "en": "This call is recorded.",
    "zh-Hans": "本次通话将被录音。",
}
THIRD_PARTY_SAFE_NO_NUMBER = {
    "en": "This is a message for {name} from {company}. Please call us back.",
    "zh-Hans": "这是给{name}的留言，来自{company}。请给我们回电。",
}


def voice_answer_url(message_id: int) -> str:
    """The absolute URL to give Twilio as a call's `url` (OutgoingMessage.answer_url)."""
    return settings.PUBLIC_BASE_URL + reverse("twilio-voice-answer", args=[message_id])


def language_of(borrower: Borrower) -> str:
    return "zh-Hans" if borrower.preferred_language == "zh-Hans" else "en"


def first_name(borrower: Borrower, language: str) -> str:
    # Chinese names are written family name first without spaces: say the whole name.
    if language == "zh-Hans":
        return borrower.name.strip()
    return (borrower.name.split() or [""])[0]


def third_party_safe_message(borrower: Borrower) -> str:
    language = language_of(borrower)
    number = settings.COMPANY_CALLBACK_NUMBER
    text = (THIRD_PARTY_SAFE if number else THIRD_PARTY_SAFE_NO_NUMBER)[language]
    return text.format(
        name=first_name(borrower, language),
        company=settings.COMPANY_NAME,
        number=spoken_digits(number),
    )


def person_answered(answered_by: str) -> bool:
    """Only a detected person hears about the debt.

    machine_* and fax get the third-party-safe message; so do `unknown` (detection timed out,
    e.g. silence) and a missing value: a debt read out to a voicemail box is a disclosure that
    cannot be taken back, while a person who got the safe message can still call back.
    """
    return answered_by == "human"


def recording_disclosure_due(message: OutboundMessage) -> bool:
    """The call is recorded (the gate's attempt says so) and the borrower's profile requires
    the disclosure in their region; a recorded call whose profile is gone says it anyway."""
    recorded = (
        ContactAttempt.objects.filter(message=message)
        .order_by("-occurred_at", "-pk")
        .values_list("recorded", flat=True)
        .first()
    )
    if not recorded:
        return False
    profile = JurisdictionProfile.objects.filter(
        code=message.borrower.jurisdiction, is_current=True
    ).first()
    if profile is None:
        return True
    return disclosure_needed(profile.recording_disclosure_regions, message.borrower.region)


def twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
@twilio_signed
def answer(request: HttpRequest, message_id: int) -> HttpResponse:
    response = VoiceResponse()
    message = (
        OutboundMessage.objects.select_related("borrower", "case__loan")
        .filter(pk=message_id, channel="voice")
        .first()
    )
    if message is None:
        # Answer 200 with nothing to say: an error would make Twilio retry and play its own
        # error message to whoever answered.
        logger.warning("voice answer for unknown message %s", message_id)
        return twiml(response)

    language = language_of(message.borrower)
    safe = third_party_safe_message(message.borrower)
    if recording_disclosure_due(message):
        response.say(RECORDING_DISCLOSURE[language], language=ivr.SAY_LANGUAGE[language])
    if not person_answered(request.POST.get("AnsweredBy", "")):
        response.say(safe, language=ivr.SAY_LANGUAGE[language])
        response.hangup()
        return twiml(response)

    ctx = call_context(message)
    ivr.ask_identity(response, ctx, path=settings.PUBLIC_BASE_URL + GATHER_PATH)
    # Reached only when no key was pressed: whoever it was hears what a machine would.
    response.say(safe, language=ivr.SAY_LANGUAGE[language])
    response.hangup()
    return twiml(response)
