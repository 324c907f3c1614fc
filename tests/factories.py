import datetime as dt
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from collections_app.models import Borrower, CollectionCase, Loan
from collections_app.roles import apply_roles


class BorrowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Borrower

    external_id = factory.Sequence(lambda n: f"B{n:06d}")
    name = factory.Sequence(lambda n: f"Borrower {n}")
    phone = factory.Sequence(lambda n: f"+1415222{n % 10000:04d}")
    email = factory.Sequence(lambda n: f"borrower{n}@example.com")
    time_zone = "America/Los_Angeles"
    preferred_language = "en"
    jurisdiction = "US"
    # A state with a statute-of-limitations rule in the shipped US profile (an unknown state
    # may not be referred to legal).
    region = "CA"


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    external_id = factory.Sequence(lambda n: f"L{n:06d}")
    borrower = factory.SubFactory(BorrowerFactory)
    product = "cash-loan-12m"
    currency = "USD"
    principal = Decimal("1200.00")
    balance_principal = Decimal("1200.00")
    # The sum of the parts (the database holds it to that): interest and fees default to 0.
    outstanding_balance = factory.LazyAttribute(
        lambda loan: (
            loan.balance_principal
            + getattr(loan, "balance_interest", 0)
            + getattr(loan, "balance_fees", 0)
        )
    )
    due_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in `reminder`; move it with services.case_transition, never by setting state."""

    class Meta:
        model = CollectionCase

    loan = factory.SubFactory(LoanFactory)
    amount_overdue = Decimal("300.00")
    overdue_since = factory.LazyAttribute(lambda c: c.loan.due_date + dt.timedelta(days=1))


def make_user(username: str, *roles: str, superuser: bool = False):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests", is_staff=True, is_superuser=superuser
    )
    if roles and Group.objects.filter(name__in=roles).count() < len(roles):
        # A transactional test flushes the database, and pytest-django may flush without
        # post_migrate (which syncs the roles after a migrate): recreate them.
        apply_roles(django_apps)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user
