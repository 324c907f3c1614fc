import datetime as dt

from django.db import migrations

US_SOURCES = """\
window 08:00-21:00: 12 CFR 1006.6(b)(1)(i) (before 8 a.m. / after 9 p.m. local is inconvenient)
7 call attempts per debt in 7 consecutive days, none within 7 days after a telephone
conversation about the debt: 12 CFR 1006.14(b)(2)
opt-out notice in every SMS and email: 12 CFR 1006.6(e)
a medium the consumer asked us not to use is not used: 12 CFR 1006.14(h)
revocation keywords: TCPA consent revocation (FCC order on revoking consent, February 2024)
no third parties about the debt: 12 CFR 1006.6(d)"""

CN_SOURCES = """\
window 08:00-22:00 (no contact 22:00-08:00): China Banking Association, consumer-loan collection
guideline (2026); NIFA post-loan collection guideline (2024)
3 connected calls per borrower per day across the lender and its agencies; 6 unanswered
attempts per day to the same number: China Banking Association guideline (2026)
no contact with third parties about the debt: NIFA post-loan collection guideline (2024)
SMS unsubscribe keywords (退订 / TD / T): MIIT SMS rules, honoured as an opt-out"""


def create_profiles(apps, schema_editor):
    Profile = apps.get_model("collections_app", "JurisdictionProfile")
    Profile.objects.get_or_create(
        code="US",
        version=1,
        defaults=dict(
            name="United States (Regulation F)",
            is_current=True,
            window_start=dt.time(8, 0),
            window_end=dt.time(21, 0),
            max_call_attempts_per_debt_7d=7,
            call_cooldown_after_conversation_days=7,
            requires_opt_out_notice=True,
            opt_out_keywords=[
                "STOP",
                "STOPALL",
                "QUIT",
                "END",
                "REVOKE",
                "OPT OUT",
                "OPTOUT",
                "CANCEL",
                "UNSUBSCRIBE",
            ],
            third_party_contact_allowed=False,
            sources=US_SOURCES,
        ),
    )
    Profile.objects.get_or_create(
        code="CN",
        version=1,
        defaults=dict(
            name="China (CBA 2026 / NIFA 2024 collection guidelines)",
            is_current=True,
            window_start=dt.time(8, 0),
            window_end=dt.time(22, 0),
            max_connected_calls_per_day=3,
            max_unanswered_calls_per_number_day=6,
            requires_opt_out_notice=True,
            opt_out_keywords=["退订", "TD", "T", "STOP"],
            third_party_contact_allowed=False,
            sources=CN_SOURCES,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0004_consent_request_time_and_not_sent")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
