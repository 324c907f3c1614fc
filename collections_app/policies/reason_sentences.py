"""A segment's reasons as sentences an agent reads: "ignored 5 delivered messages", not
`delivered_unanswered=5 >= 5 (+2)`.

The nightly run stores each reason as policies/segmentation.py `_reason` writes it,
"<signal>=<actual> <op> <value> (<weight>)", so last month's reasons stay readable when the
sentences change. Here each one is parsed back and said through a sentence table keyed by the
rule (signal and operator, and the value for the yes/no signals), with the numbers filled in.
A reason no sentence knows (a new signal, a hand-written policy's operator) falls back to a
readable form: "Connected calls: 3 (rule: at least 2)".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

NO_RULE = "no rule reached its threshold"
_REASON = re.compile(
    r"^(?P<signal>\w+)=(?P<actual>\S+) (?P<op>>=|<=|==|!=|>|<) (?P<value>\S+)"
    r" \((?P<weight>[^)]*)\)$"
)

Sentence = Callable[[int], str]


def _count(sentence: object) -> Sentence:
    """A sentence with the count in it: ngettext_lazy(singular, plural, "n") picks the plural
    form from the dict it is formatted with (and makemessages finds both literals)."""
    return lambda n: str(sentence % {"n": n})


# (signal, op) -> the sentence for the actual value; (signal, op, value) for yes/no signals.
SENTENCES: dict[tuple, Sentence] = {
    ("dispute_open", ">="): lambda n: _("has an open dispute"),
    ("has_address", "==", 0): lambda n: _("has no phone number or email address we may use"),
    ("failed_contacts", ">="): _count(
        ngettext_lazy(
            "%(n)s message could not be delivered", "%(n)s messages could not be delivered", "n"
        )
    ),
    ("delivered_contacts", "=="): _count(
        ngettext_lazy("%(n)s message delivered", "%(n)s messages delivered", "n")
    ),
    ("delivered_contacts", ">="): _count(
        ngettext_lazy("%(n)s message delivered", "%(n)s messages delivered", "n")
    ),
    ("delivered_unanswered", ">="): _count(
        ngettext_lazy("ignored %(n)s delivered message", "ignored %(n)s delivered messages", "n")
    ),
    ("promises_broken", ">="): _count(
        ngettext_lazy("broke %(n)s promise", "broke %(n)s promises", "n")
    ),
    ("promises_broken", "=="): lambda n: (
        _("has broken no promise")
        if n == 0
        else ngettext("broke %(n)s promise", "broke %(n)s promises", n) % {"n": n}
    ),
    ("promises_kept", ">="): _count(
        ngettext_lazy("kept %(n)s promise", "kept %(n)s promises", "n")
    ),
    ("income_high", "==", 1): lambda n: _("the lender reports a high income"),
    ("income_low", "==", 1): lambda n: _("the lender reports a low income"),
    ("other_loans_current", "==", 1): lambda n: _("keeps other loans current"),
    ("replies", ">="): _count(ngettext_lazy("replied %(n)s time", "replied %(n)s times", "n")),
    ("replied_ever", ">="): lambda n: _("has replied on this case before"),
    ("partial_payments", ">="): _count(
        ngettext_lazy("made %(n)s partial payment", "made %(n)s partial payments", "n")
    ),
    ("missed_installments", ">="): _count(
        ngettext_lazy("missed %(n)s plan installment", "missed %(n)s plan installments", "n")
    ),
    ("days_past_due", ">="): _count(
        ngettext_lazy("%(n)s day past due", "%(n)s days past due", "n")
    ),
    ("days_past_due", "<="): _count(
        ngettext_lazy("only %(n)s day past due", "only %(n)s days past due", "n")
    ),
    ("bad_contact_point", "==", 1): lambda n: _("a provider refused a number or email they have"),
    ("connected_calls", ">="): _count(
        ngettext_lazy("talked to us on %(n)s call", "talked to us on %(n)s calls", "n")
    ),
    ("days_since_contact", ">="): _count(
        ngettext_lazy("last heard from %(n)s day ago", "last heard from %(n)s days ago", "n")
    ),
}


def _number(text: str) -> int | float | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _op_words(op: str, value: str) -> str:
    words = {
        ">=": _("at least %(value)s"),
        ">": _("more than %(value)s"),
        "<=": _("at most %(value)s"),
        "<": _("less than %(value)s"),
        "==": _("exactly %(value)s"),
        "!=": _("not %(value)s"),
    }
    return words[op] % {"value": value}


def _readable(signal: str) -> str:
    return signal.replace("_", " ").capitalize()


def reason_sentence(reason: str) -> str:
    """One stored reason as a sentence (unknown ones: a readable form, never the raw rule)."""
    if reason == NO_RULE:
        return _("no rule reached its threshold, so the policy's default segment applies")
    match = _REASON.match(reason.strip())
    if match is None:
        return reason.replace("_", " ")
    signal, op, value = match["signal"], match["op"], match["value"]
    actual = _number(match["actual"])
    sentence = None
    if actual is not None:
        rule_value = _number(value)
        say = SENTENCES.get((signal, op, rule_value)) or SENTENCES.get((signal, op))
        if say is not None:
            sentence = say(int(actual) if isinstance(actual, float) else actual)
    if sentence is None:
        sentence = _("%(signal)s: %(actual)s (rule: %(rule)s)") % {
            "signal": _readable(signal),
            "actual": match["actual"],
            "rule": _op_words(op, value),
        }
    weight = _number(match["weight"])
    if weight is not None and weight < 0:
        return _("%(sentence)s (counts against this segment)") % {"sentence": sentence}
    return sentence
