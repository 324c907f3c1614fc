"""The keypad menu of a collection call, one step per request (TwiML).

Twilio posts each keypad entry to the Gather's action URL; the numbers entered so far travel in
that URL (`step`, `amount`, `days`), so every step is answered without any session state, and a
repeated request gets the same answer. Only a confirmed promise, a call-back request and a
dispute change anything, and that happens in the worker (handlers/voice.py).

Menu: 1 promise to pay (amount, then in how many days, then confirm), 2 call me back, 3 dispute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

# A promise further out than this is a plan, for an agent to agree.
MAX_PROMISE_DAYS = 30

_SAY = {
    "en": {
        "menu": "Press 1 to promise a payment. Press 2 to ask for a call back. "
        "Press 3 if you dispute this debt.",
        "amount": "Enter the amount you will pay, in whole {currency}, then press the pound key.",
        "bad_amount": "That amount is not possible. It must be between 1 and {max}.",
        "days": "In how many days will you pay? Enter a number from 0 to {max_days}, then press "
        "the pound key.",
        "bad_days": "Please enter a number of days from 0 to {max_days}.",
        "confirm": "You promise to pay {amount} {currency} by {date}. Press 1 to confirm, "
        "or 2 to start again.",
        "promised": "Thank you. Your promise is recorded. Goodbye.",
        "callback": "Thank you. We will call you back. Goodbye.",
        "dispute": "Your dispute is recorded. We will answer it in writing and pause collection "
        "until then. Goodbye.",
        "no_case": "Thank you. An agent will contact you. Goodbye.",
        "invalid": "Sorry, that is not an option.",
    },
    "zh-Hans": {
        "menu": "承诺还款请按1，预约回电请按2，对此债务有异议请按3。",
        "amount": "请输入您将支付的金额（{currency}，整数），然后按井号键。",
        "bad_amount": "金额无效，应在1到{max}之间。",
        "days": "您将在几天内付款？请输入0到{max_days}之间的数字，然后按井号键。",
        "bad_days": "请输入0到{max_days}之间的天数。",
        "confirm": "您承诺在{date}前支付{amount}{currency}。确认请按1，重新输入请按2。",
        "promised": "谢谢，您的还款承诺已记录。再见。",
        "callback": "谢谢，我们会给您回电。再见。",
        "dispute": "您的异议已记录，我们将书面答复，在此之前暂停催收。再见。",
        "no_case": "谢谢，客服将与您联系。再见。",
        "invalid": "对不起，没有这个选项。",
    },
}
# As the call's answer TwiML (collections_app/web/voice.py) speaks them.
_VOICE_LANGUAGE = {"en": "en-US", "zh-Hans": "zh-CN"}


@dataclass(frozen=True)
class CallContext:
    """What a step needs to know about the call: from the outbox row, read once per request."""

    message_id: int | None
    language: str = "en"
    currency: str = ""
    amount_overdue: Decimal | None = None  # None: no open case to promise on


@dataclass(frozen=True)
class Entry:
    step: str
    digits: str
    amount: int | None = None
    days: int | None = None


def promise_due_date(days: int, today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=days)


def respond(ctx: CallContext, entry: Entry, path: str) -> str:
    """TwiML for one keypad entry. `path` is the gather endpoint's path (for the next action)."""
    lang = ctx.language if ctx.language in _SAY else "en"
    texts = _SAY[lang]
    response = VoiceResponse()

    def say(key: str, **fmt: object) -> None:
        response.say(texts[key].format(**fmt), language=_VOICE_LANGUAGE[lang])

    def gather(
        step: str, key: str, num_digits: int | None = None, carry: dict | None = None, **fmt: object
    ) -> None:
        # The numbers entered so far ride along in the action URL (no session state).
        params = {"message": ctx.message_id or "", "step": step, **(carry or {})}
        options = {"action": f"{path}?{urlencode(params)}", "method": "POST", "timeout": 10}
        if num_digits:
            options["num_digits"] = num_digits
        else:
            options["finish_on_key"] = "#"
        g = response.gather(input="dtmf", **options)
        g.say(texts[key].format(**fmt), language=_VOICE_LANGUAGE[lang])

    fmt = {"currency": ctx.currency, "max_days": MAX_PROMISE_DAYS}
    if entry.step == "menu":
        if entry.digits == "1" and ctx.amount_overdue is not None:
            gather("amount", "amount", **fmt)
        elif entry.digits == "2":
            say("callback")
        elif entry.digits == "3":
            say("dispute")
        elif entry.digits == "1":
            say("no_case")
        else:
            if entry.digits:
                say("invalid")
            gather("menu", "menu", num_digits=1)
    elif entry.step == "amount":
        amount = int(entry.digits) if entry.digits.isdigit() else 0
        ceiling = int(ctx.amount_overdue or 0)
        if 1 <= amount <= ceiling:
            gather("days", "days", carry={"amount": amount}, **fmt)
        else:
            say("bad_amount", max=ceiling)
            gather("amount", "amount", **fmt)
    elif entry.step == "days":
        days = int(entry.digits) if entry.digits.isdigit() else -1
        if 0 <= days <= MAX_PROMISE_DAYS and entry.amount:
            gather(
                "confirm",
                "confirm",
                num_digits=1,
                carry={"amount": entry.amount, "days": days},
                amount=entry.amount,
                currency=ctx.currency,
                date=promise_due_date(days).isoformat(),
            )
        else:
            say("bad_days", **fmt)
            gather("days", "days", carry={"amount": entry.amount or ""}, **fmt)
    elif entry.step == "confirm":
        if entry.digits == "1" and entry.amount and entry.days is not None:
            say("promised")
        else:
            gather("amount", "amount", **fmt)
    else:
        gather("menu", "menu", num_digits=1)
    return str(response)
