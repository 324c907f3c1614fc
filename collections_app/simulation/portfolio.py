"""The simulated portfolio: borrowers with a hidden persona, their loans and open cases."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from collections_app.models import Borrower, ContactPoint, Loan
from collections_app.services.cases import case_open

PERSONAS = ("forgetful", "hardship", "strategic", "unreachable", "disputer")
DEFAULT_MIX = {
    "forgetful": 0.35,
    "hardship": 0.25,
    "strategic": 0.20,
    "unreachable": 0.10,
    "disputer": 0.10,
}
PREFIX = "SIM-"


@dataclass
class SimBorrower:
    index: int
    persona: str
    borrower_id: int
    case_id: int
    loan_external_id: str
    currency: str
    phone: str
    email: str
    rng: random.Random
    # What the persona has done or been told (drives its next reactions).
    delivered: int = 0
    replied: bool = False
    paid_full: bool = False
    promise_pending: bool = False
    answered_call: bool = False
    legal_seen: bool = False
    payments: int = 0
    notes: dict[str, int] = field(default_factory=dict)


def parse_mix(text: str | None) -> dict[str, float]:
    """`forgetful=0.4,strategic=0.2,...`; personas not named keep their default share."""
    mix = dict(DEFAULT_MIX)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        if name.strip() not in PERSONAS:
            raise ValueError(f"unknown persona {name.strip()!r} (known: {', '.join(PERSONAS)})")
        mix[name.strip()] = float(value)
    total = sum(mix.values())
    return {k: v / total for k, v in mix.items()}


def assign_personas(n: int, mix: dict[str, float], rng: random.Random) -> list[str]:
    """Exact shares (largest remainder), shuffled: a 10% mix of 60 is 6 borrowers, not ~6."""
    counts = {p: int(n * mix[p]) for p in PERSONAS}
    rest = sorted(PERSONAS, key=lambda p: (n * mix[p] - counts[p], p), reverse=True)
    for p in rest[: n - sum(counts.values())]:
        counts[p] += 1
    personas = [p for p in PERSONAS for _ in range(counts[p])]
    rng.shuffle(personas)
    return personas


def _lender_data(persona: str, rng: random.Random) -> dict[str, object]:
    """What a lender knows at origination; true to the persona but noisy (no persona label)."""
    if persona == "strategic":  # able to pay: keeps its other lenders current
        income = "high" if rng.random() < 0.6 else "mid"
        current = rng.random() < 0.75
    elif persona == "hardship":
        income = "low" if rng.random() < 0.7 else "mid"
        current = rng.random() < 0.1
    else:
        income = rng.choice(["low", "mid", "mid", "high"])
        current = rng.random() < 0.5
    return {"income_band": income, "other_loans_current": current}


def create_portfolio(
    *, n: int, mix: dict[str, float], seed: int, start: dt.date, jurisdiction: str = ""
) -> list[SimBorrower]:
    """`jurisdiction` "CN" or "US": every borrower there (one policy); blank: half each."""
    rng = random.Random(seed)
    personas = assign_personas(n, mix, rng)
    out = []
    for i, persona in enumerate(personas):
        brng = random.Random(f"{seed}:{i}")  # per borrower: its choices do not depend on others'
        chinese = jurisdiction == "CN" if jurisdiction else i % 2 == 0
        phone = f"+86138{10_000_000 + i:08d}" if chinese else f"+1646{2_000_000 + i:07d}"
        email = "" if persona == "unreachable" else f"sim{i}@example.com"
        borrower = Borrower.objects.create(
            external_id=f"{PREFIX}B{i:06d}",
            name=f"Sim borrower {i}",
            phone=phone,
            email=email,
            time_zone="Asia/Shanghai" if chinese else "America/New_York",
            preferred_language="zh-Hans" if chinese else "en",
            jurisdiction="CN" if chinese else "US",
            # The state its statute of limitations is read from (a New York number and zone).
            region="" if chinese else "NY",
        )
        # The lender recorded the number as a mobile with the consent given at application
        # (automated calls to a mobile need it, TCPA: compliance/consent_rules.py).
        ContactPoint.objects.create(
            borrower=borrower,
            kind=ContactPoint.Kind.PHONE,
            address=phone,
            type=ContactPoint.Type.MOBILE,
            source="application",
            consent=ContactPoint.Consent.PRIOR_EXPRESS,
            consent_at=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=90),
            is_primary=True,
        )
        principal = Decimal(brng.randrange(2000, 20000))
        overdue = (principal / Decimal(brng.choice([3, 6]))).quantize(Decimal("0.01"))
        days_late = brng.randrange(1, 6)
        loan = Loan.objects.create(
            external_id=f"{PREFIX}L{i:06d}",
            borrower=borrower,
            product="cash-loan-12m",
            currency="CNY" if chinese else "USD",
            principal=principal,
            balance_principal=principal,
            outstanding_balance=principal,
            due_date=start - dt.timedelta(days=days_late),
            lender_data=_lender_data(persona, brng),
        )
        case = case_open(
            loan=loan, amount_overdue=overdue, overdue_since=loan.due_date + dt.timedelta(days=1)
        )
        out.append(
            SimBorrower(
                index=i,
                persona=persona,
                borrower_id=borrower.pk,
                case_id=case.pk,
                loan_external_id=loan.external_id,
                currency=loan.currency,
                phone=phone,
                email=email,
                rng=brng,
            )
        )
    return out
