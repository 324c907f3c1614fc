"""The call scripts shipped for each stage, in English and Simplified Chinese, for the US and CN
profiles. Shipped by the calls migration (a frozen copy; a test keeps the two equal);
supervisors and compliance edit them in admin afterwards (Call scripts).

Three parts, read in order on the call screen (services/calls.py):
- `opening`: to whoever answers, before anyone is verified. It names the caller and asks for the
  borrower, and says nothing about a debt (12 CFR 1006.6(d); the CN guideline forbids telling
  third parties). Lines in [brackets] are instructions to the agent, not words to say.
- `disclosure`: said first once the borrower is verified. In the US, "this is an attempt to
  collect a debt" (15 U.S.C. 1692e(11)); in China, who is calling, for whom, and that the call
  may be recorded (CBA 2026 collection guideline, identity of the collector).
- `body`: the talk track for the stage, with the amounts.
"""

from __future__ import annotations

EN, ZH = "en", "zh-Hans"
STAGES = ("reminder", "negotiation", "escalation", "legal")
JURISDICTIONS = ("US", "CN")

_OPENING = {
    EN: (
        "Hello, this is {{ agent_name }} calling from {{ company_name }}. May I speak with "
        '{{ name }}?\n[If the person is not {{ first_name }}: "I will call back another time, '
        'thank you." Say nothing about why you are calling. If it is: verify below before '
        "anything else.]"
    ),
    ZH: (
        "您好，我是{{ company_name }}的{{ agent_name }}，请问是{{ name }}本人吗？\n"
        "[如果不是本人：“好的，我们稍后再联系，谢谢。”不要说明来电原因。如果是本人：先在下方完成身份核实。]"
    ),
}

# The words the law of the profile wants before anything about the debt.
DISCLOSURE = {
    ("US", EN): (
        "This is {{ agent_name }} of {{ company_name }}. This is an attempt to collect a debt, "
        "and any information obtained will be used for that purpose. This call may be recorded."
    ),
    ("US", ZH): (
        "我是{{ company_name }}的{{ agent_name }}。"
        "这是一次债务催收，所获得的任何信息都将用于此目的。"
        "本次通话可能会被录音。"
    ),
    ("CN", EN): (
        "This is {{ agent_name }}, a collections officer calling on behalf of {{ company_name }} "
        "about the repayment of your loan {{ loan_id }}. This call may be recorded."
    ),
    ("CN", ZH): (
        "我是受{{ company_name }}委托的催收人员{{ agent_name }}，本次来电是关于您的借款"
        "（编号{{ loan_id }}）还款事宜。本次通话可能会被录音。"
    ),
}

_BODY = {
    ("reminder", EN): (
        "Your payment of {{ amount_due }} on loan {{ loan_id }} was due on {{ due_date }} and is "
        "{{ days_past_due }} days past due. {{ consequences }} Can you pay it today?\n"
        "[Offer: the payment link by SMS, a promise to pay by a date, or a payment plan.]"
    ),
    ("reminder", ZH): (
        "您的借款（编号{{ loan_id }}）应还{{ amount_due }}，"
        "到期日为{{ due_date }}，已逾期{{ days_past_due }}天。"
        "{{ consequences }}请问今天可以还款吗？\n[可提供：短信还款链接、约定还款日期，或分期方案。]"
    ),
    ("negotiation", EN): (
        "Thank you for working with us. As agreed, {{ amount_due }} is due on loan "
        "{{ loan_id }}. {{ consequences }} Let us confirm how and when you will pay.\n"
        "[Record the promise or the plan the borrower agrees to.]"
    ),
    ("negotiation", ZH): (
        "感谢您的配合。按约定，您的借款（编号{{ loan_id }}）需还款{{ amount_due }}。"
        "{{ consequences }}"
        "我们确认一下还款方式和时间。\n[记录借款人同意的还款承诺或分期方案。]"
    ),
    ("escalation", EN): (
        "{{ amount_due }} on loan {{ loan_id }} is {{ days_past_due }} days overdue. "
        "{{ consequences }} What can you pay today?\n"
        "[Never threaten an action that is not intended or not allowed.]"
    ),
    ("escalation", ZH): (
        "您的借款（编号{{ loan_id }}）欠款{{ amount_due }}已逾期{{ days_past_due }}天。"
        "{{ consequences }}"
        "请问今天能还多少？\n[不得以未打算采取或不允许的行动相威胁。]"
    ),
    ("legal", EN): (
        "Your account, with {{ amount_due }} overdue on loan {{ loan_id }}, has been referred to "
        "our partner law firm. {{ consequences }}\n[Take a payment or a promise; legal questions "
        "go to the law firm.]"
    ),
    ("legal", ZH): (
        "您的账户（借款编号{{ loan_id }}，逾期{{ amount_due }}）已移交合作律师事务所。"
        "{{ consequences }}\n"
        "[可记录还款或还款承诺；法律问题请转律师事务所。]"
    ),
}


def default_call_scripts() -> list[dict[str, str]]:
    """Every shipped script: each stage, language and profile."""
    return [
        {
            "jurisdiction": jurisdiction,
            "stage": stage,
            "language": language,
            "opening": _OPENING[language],
            "disclosure": DISCLOSURE[(jurisdiction, language)],
            "body": _BODY[(stage, language)],
        }
        for jurisdiction in JURISDICTIONS
        for stage in STAGES
        for language in (EN, ZH)
    ]
