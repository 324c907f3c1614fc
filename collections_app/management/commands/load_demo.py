"""A small demo portfolio so the admin has live-looking queues on first start."""

import contextlib
import datetime as dt
import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import Borrower, ContactPoint, Loan
from collections_app.phrases import phrase
from collections_app.selectors.debt_status import SuitForbidden
from collections_app.services.cases import case_add_note, case_open, case_transition
from collections_app.services.payments import payment_record, plan_create, promise_create
from collections_app.states import CloseReason, PauseReason

CN_NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳"]
US_NAMES = [
    "Avery Johnson",
    "Jordan Smith",
    "Taylor Brown",
    "Morgan Davis",
    "Casey Miller",
    "Riley Wilson",
    "Jamie Moore",
    "Drew Taylor",
    "Quinn Anderson",
    "Reese Thomas",
]
# Where the US borrowers live, with an area code of that place: states far apart and the
# territories Regulation F covers too (Puerto Rico, Guam). The contact window is local, so with
# Shanghai (UTC+8, CN rules) these put some of today's steps inside a window at every UTC hour:
# Guam's 10:00 is 00:00 UTC, Shanghai's 02:00, Puerto Rico's 14:00 (none of the three has DST),
# the mainland, Alaska and Hawaii follow. tests/test_demo_start.py checks every hour.
# Zone, area code, and the state (its statute of limitations; AK, HI, GU and PR have no rule
# in the shipped US profile, so their debts are never referred to legal).
US_PLACES = [
    ("America/New_York", "212", "NY"),
    ("America/Chicago", "312", "IL"),
    ("America/Denver", "303", "CO"),
    ("America/Los_Angeles", "415", "CA"),
    ("America/Anchorage", "907", "AK"),
    ("Pacific/Honolulu", "808", "HI"),
    ("Pacific/Guam", "671", "GU"),
    ("America/Puerto_Rico", "787", "PR"),
]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Read when the parser is made, so in the language active then (argparse needs a str).
        return _("Load a small demo portfolio (idempotent: does nothing if demo loans exist).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--borrowers",
            type=int,
            default=40,
            help=_("how many borrowers, half in China, half in the US (default: %(default)s)"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=7,
            help=_("random seed for names, amounts and days late (default: %(default)s)"),
        )

    def handle(self, *args: object, borrowers: int, seed: int, **options: object) -> None:
        if Loan.objects.filter(external_id__startswith="DEMO-").exists():
            self.stdout.write(_("Demo portfolio already loaded."))
            return
        rng = random.Random(seed)
        today = timezone.localdate()
        with transaction.atomic():
            for i in range(borrowers):
                self._one(rng, i, today)
        self.stdout.write(self.style.SUCCESS(_("Loaded %(n)d demo borrowers.") % {"n": borrowers}))

    def _one(self, rng: random.Random, i: int, today: dt.date) -> None:
        chinese = i % 2 == 0
        if chinese:
            zone, phone = "Asia/Shanghai", f"+86138{rng.randrange(10**8):08d}"
            region = ""
        else:
            # A US borrower's story (i % 8, below) repeats every 4 US borrowers and the places
            # every 8, so a place would always get the same story (all paid, say): shifting the
            # place by one each round mixes them.
            j = i // 2
            zone, area, region = US_PLACES[(j + j // len(US_PLACES)) % len(US_PLACES)]
            phone = f"+1{area}55501{j % 100:02d}"  # 555-0100..0199: reserved for fiction
        borrower = Borrower.objects.create(
            external_id=f"DEMO-B{i:04d}",
            name=rng.choice(CN_NAMES if chinese else US_NAMES),
            phone=phone,
            email=f"borrower{i}@example.com",
            time_zone=zone,
            preferred_language="zh-Hans" if chinese else "en",
            jurisdiction="CN" if chinese else "US",
            region=region,
        )
        # The lender recorded the number as a mobile with the consent given at application, as
        # the simulator does: automated calls to a mobile need it (compliance/consent_rules.py).
        ContactPoint.objects.create(
            borrower=borrower,
            kind=ContactPoint.Kind.PHONE,
            address=phone,
            type=ContactPoint.Type.MOBILE,
            source="application",
            consent=ContactPoint.Consent.PRIOR_EXPRESS,
            consent_at=timezone.now() - dt.timedelta(days=200),
            is_primary=True,
        )
        principal = Decimal(rng.randrange(1000, 20000))
        overdue = (principal / Decimal(rng.choice([3, 6, 12]))).quantize(Decimal("0.01"))
        days_late = rng.randrange(1, 120)
        loan = Loan.objects.create(
            external_id=f"DEMO-L{i:04d}",
            borrower=borrower,
            product="cash-loan-12m",
            currency="CNY" if chinese else "USD",
            principal=principal,
            balance_principal=principal,
            outstanding_balance=principal,
            due_date=today - dt.timedelta(days=days_late),
        )
        case = case_open(
            loan=loan, amount_overdue=overdue, overdue_since=loan.due_date + dt.timedelta(days=1)
        )
        story = i % 8
        if story in (1, 2):
            promise_create(
                case=case,
                amount=(overdue / 2).quantize(Decimal("0.01")),
                due_date=today + dt.timedelta(days=rng.randrange(0, 10)),
            )
        elif story == 3:
            plan_create(
                case=case,
                installments=[
                    (today + dt.timedelta(days=30 * k), (overdue / 3).quantize(Decimal("0.01")))
                    for k in range(3)
                ],
            )
        elif story in (4, 5):
            case_transition(case=case, name="escalate", reason=phrase("No answer to reminders"))
            if story == 5 and days_late > 60:
                # A state without a rule is refused (the refusal is on the case's timeline).
                with contextlib.suppress(SuitForbidden):
                    case_transition(
                        case=case, name="refer_to_legal", reason=phrase("90+ days, no contact")
                    )
        elif story == 6:
            case_transition(
                case=case,
                name="pause",
                reason=phrase("Borrower disputes the amount"),
                pause_reason=PauseReason.DISPUTE,
            )
        elif story == 7:
            payment_record(
                loan=loan,
                external_id=f"DEMO-P{i:04d}",
                amount=overdue,
                currency=loan.currency,
                received_at=timezone.now() - dt.timedelta(days=1),
            )
        if story == 0 and days_late > 100:
            case_transition(
                case=case,
                name="write_off",
                reason=phrase("Uncollectable"),
                close_reason=CloseReason.UNCOLLECTABLE,
            )
        elif story == 0:
            case_add_note(case=case, text=_("Left a voicemail-safe reminder."), actor=None)
