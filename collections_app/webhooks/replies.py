"""What a borrower's text reply asks for, and what we answer. Pure functions, no database.

Opt-out words must be the whole message (trimmed, any case): "T" is the Chinese carriers' opt-out
word, and "STOP calling my mother" is a message for an agent, who will act on it, not a keyword.
Dispute and plan words may appear anywhere in the message: missing one costs the borrower more
than an agent reading a false match.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings


class Intent(enum.StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    PAY = "pay"
    NEGOTIATE = "negotiate"
    DISPUTE = "dispute"
    OTHER = "other"


# Carrier/CTIA standard opt-out words (Twilio honours the same), and the Chinese ones (退订, TD);
# the borrower's jurisdiction profile adds its own list.
OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke"}
    | {"optout", "opt out", "opt-out", "退订", "td"}
)
OPT_IN_WORDS = frozenset({"start", "unstop", "开始", "重新订阅"})
HELP_WORDS = frozenset({"help", "info", "帮助"})
PAY_WORDS = frozenset({"pay", "pay now", "payment", "付款", "还款", "支付"})
# Anywhere in the message (English as whole words).
NEGOTIATE_EN = re.compile(r"\b(plan|plans|promise|promised|installments?|instalments?)\b")
NEGOTIATE_ZH = ("分期", "还款计划", "承诺", "协商", "延期")
DISPUTE_EN = re.compile(r"\b(dispute|disputed|disputing|not my debt)\b")
DISPUTE_ZH = ("异议", "争议", "不是我的")

_TRAILING = " \t\r\n.!?,;:。！？，；：~"


def normalize(text: str) -> str:
    """Full-width letters to ASCII, case folded, spaces collapsed, end punctuation off."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).strip(_TRAILING)


def classify(body: str, extra_opt_out_words: Iterable[str] = ()) -> Intent:
    text = normalize(body)
    if not text:
        return Intent.OTHER
    if text in OPT_OUT_WORDS or text in {normalize(w) for w in extra_opt_out_words}:
        return Intent.OPT_OUT
    if text in OPT_IN_WORDS:
        return Intent.OPT_IN
    if text in HELP_WORDS:
        return Intent.HELP
    if DISPUTE_EN.search(text) or any(word in text for word in DISPUTE_ZH):
        return Intent.DISPUTE
    if NEGOTIATE_EN.search(text) or any(word in text for word in NEGOTIATE_ZH):
        return Intent.NEGOTIATE
    if text in PAY_WORDS:
        return Intent.PAY
    return Intent.OTHER


_TEXTS = {
    "en": {
        Intent.OPT_OUT: "{company}: you will get no more text messages from us. Reply START to "
        "receive them again.",
        Intent.OPT_IN: "{company}: text messages are on again. Reply STOP to opt out, HELP for "
        "help.",
        Intent.HELP: "{company}: for help call {phone}. Reply PAY for a payment link, STOP to opt "
        "out.",
        Intent.PAY: "{company}: pay securely at {link} . Reply STOP to opt out.",
        Intent.NEGOTIATE: "{company}: thank you. An agent will contact you about a plan.",
        Intent.DISPUTE: "{company}: we have recorded your dispute and will answer it in writing. "
        "Collection is on hold until then.",
    },
    "zh-Hans": {
        Intent.OPT_OUT: "{company}：您已退订短信，我们不会再发送短信。回复“开始”可重新接收。",
        Intent.OPT_IN: "{company}：短信已恢复。回复 TD 退订，回复“帮助”获取帮助。",
        Intent.HELP: "{company}：如需帮助请致电 {phone}。回复“还款”获取付款链接，回复 TD 退订。",
        Intent.PAY: "{company}：请通过以下链接安全还款：{link} 回复 TD 退订。",
        Intent.NEGOTIATE: "{company}：谢谢，客服将尽快与您联系商议还款计划。",
        Intent.DISPUTE: "{company}：我们已记录您的异议，将以书面形式答复，在此之前暂停催收。",
    },
}


def reply_text(intent: Intent, language: str, link: str = "") -> str:
    """The auto-reply for `intent`, or "" when none is due (other text waits for an agent)."""
    texts = _TEXTS.get(language, _TEXTS["en"])
    template = texts.get(intent, "")
    if not template or (intent == Intent.PAY and not link):
        return ""
    return template.format(
        company=settings.COMPANY_NAME, phone=settings.COMPANY_CALLBACK_NUMBER, link=link
    )


def looks_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
