"""The keypad menu of a collection call, one step per request (TwiML).

Twilio posts each keypad entry to the Gather's action URL; the numbers entered so far travel in
that URL (`step`, `amount`, `days`), so every step is answered without any session state, and a
repeated request gets the same answer. Only a confirmed promise, a call-back request and a
dispute change anything, and that happens in the worker (handlers/voice.py); the answers to the
right-party question are noted on the case (a "yes" is how a call counts as reaching the
borrower, policies/reach.py).

First the right party: whoever answers is asked whether they are the borrower (1 yes, 2 no), and
only a "yes" hears the message about the debt (12 CFR 1006.6(d): nothing about a debt to a third
party). Then the menu: 1 promise to pay (amount, then in how many days, then confirm), 2 call me
back, 3 dispute.
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
        "identity": "This is {company} with a call for {name}. If you are {name}, press 1. "
        "If you are not, press 2.",
        "not_them": "Thank you. Sorry to have disturbed you. Goodbye.",
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
        "identity": "您好，这里是{company}，来电找{name}。"
        "如果您是{name}本人，请按1；如果不是，请按2。",
        "not_them": "谢谢，打扰您了。再见。",
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
# Twilio <Say> language codes for the borrower's preferred language.
SAY_LANGUAGE = {"en": "en-US", "zh-Hans": "zh-CN"}


@dataclass(frozen=True)
class CallContext:
    """What a step needs to know about the call: from the outbox row, read once per request."""

    message_id: int | None
    language: str = "en"
    currency: str = ""
    amount_overdue: Decimal | None = None  # None: no open case to promise on
    name: str = ""  # the borrower's, for the right-party question
    company: str = ""
    script: str = ""  # the call's message, said once the right party has confirmed


@dataclass(frozen=True)
class Entry:
    step: str
    digits: str
    amount: int | None = None
    days: int | None = None


def promise_due_date(days: int, today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=days)


def _language(ctx: CallContext) -> str:
    return ctx.language if ctx.language in _SAY else "en"


def say_language(ctx: CallContext) -> str:
    """The Twilio <Say> language of the call."""
    return SAY_LANGUAGE[_language(ctx)]


def spoken(ctx: CallContext, key: str) -> str:
    """One of the call's fixed sentences in its language (for previews: `identity`, `menu`)."""
    return _Steps(VoiceResponse(), ctx, path="").text(key)


def ask_identity(response: VoiceResponse, ctx: CallContext, path: str) -> None:
    """Append the right-party question (a Gather posting to `path`, step `identity`). It names
    only the company and the borrower: safe for whoever answered."""
    _Steps(response, ctx, path).gather("identity", "identity", num_digits=1)


class _Steps:
    """Says and gathers in the call's language; numbers entered so far ride along in the
    action URL (no session state)."""

    def __init__(self, response: VoiceResponse, ctx: CallContext, path: str) -> None:
        self.response, self.ctx, self.path = response, ctx, path
        self.texts = _SAY[_language(ctx)]
        self.fmt = {
            "currency": ctx.currency,
            "max_days": MAX_PROMISE_DAYS,
            "name": ctx.name,
            "company": ctx.company,
        }

    def text(self, key: str, **fmt: object) -> str:
        return self.texts[key].format(**(self.fmt | fmt))

    def say(self, key: str, **fmt: object) -> None:
        self.response.say(self.text(key, **fmt), language=say_language(self.ctx))

    def gather(
        self,
        step: str,
        key: str,
        num_digits: int | None = None,
        carry: dict | None = None,
        lead: str = "",
        **fmt: object,
    ) -> None:
        params = {"message": self.ctx.message_id or "", "step": step, **(carry or {})}
        options = {"action": f"{self.path}?{urlencode(params)}", "method": "POST", "timeout": 10}
        if num_digits:
            options["num_digits"] = num_digits
        else:
            options["finish_on_key"] = "#"
        g = self.response.gather(input="dtmf", **options)
        if lead:
            # Inside the Gather, so a key pressed while it is said already counts.
            g.say(lead, language=say_language(self.ctx))
        g.say(self.text(key, **fmt), language=say_language(self.ctx))


def respond(ctx: CallContext, entry: Entry, path: str) -> str:
    """TwiML for one keypad entry. `path` is the gather endpoint's path (for the next action)."""
    response = VoiceResponse()
    steps = _Steps(response, ctx, path)
    say, gather = steps.say, steps.gather
    if entry.step == "identity":
        if entry.digits == "1":
            # The right party: now, and only now, the message about the debt, then the menu.
            gather("menu", "menu", num_digits=1, lead=ctx.script)
        elif entry.digits == "2":
            say("not_them")
        else:
            say("invalid")
            gather("identity", "identity", num_digits=1)
    elif entry.step == "menu":
        if entry.digits == "1" and ctx.amount_overdue is not None:
            gather("amount", "amount")
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
            gather("days", "days", carry={"amount": amount})
        else:
            say("bad_amount", max=ceiling)
            gather("amount", "amount")
    elif entry.step == "days":
        days = int(entry.digits) if entry.digits.isdigit() else -1
        if 0 <= days <= MAX_PROMISE_DAYS and entry.amount:
            gather(
                "confirm",
                "confirm",
                num_digits=1,
                carry={"amount": entry.amount, "days": days},
                amount=entry.amount,
                date=promise_due_date(days).isoformat(),
            )
        else:
            say("bad_days")
            gather("days", "days", carry={"amount": entry.amount or ""})
    elif entry.step == "confirm":
        if entry.digits == "1" and entry.amount and entry.days is not None:
            say("promised")
        else:
            gather("amount", "amount")
    else:
        # A step we do not know: start again from the question that is safe for anyone.
        gather("identity", "identity", num_digits=1)
    return str(response)
