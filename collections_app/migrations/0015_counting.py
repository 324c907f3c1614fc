"""Counting the call rules as Regulation F counts them, and outcomes that say "not connected".

- `JurisdictionProfile.call_counting`: the profiles that exist applied rolling 7 x 24 hours with
  every call counted, so they keep it (their decisions were made so); new profiles count by
  calendar date. The current `US` profile counts as the rule does (12 CFR 1006.14(b)(2) and
  (b)(3)(ii)): as a next version when decisions applied the current one (they keep it as it
  was), in place on a new installation, where none did.
- `JurisdictionProfile.max_call_attempts_per_person_7d`: an optional cap across all of a
  borrower's debts.
- `ContactAttempt.outcome`: `busy` and `not_connected` (longer values, so a longer column);
  the agent's wrap-up codes `busy` and `not_in_service` that record them.

Literals on purpose (see 0002): live code changes, a migration must not.
"""

from django.db import migrations, models
from django.utils import timezone

US_SOURCES_LINE = (
    "\ncounting: calendar dates in the borrower's time zone, the date of a conversation is the "
    "first of the 7 days (12 CFR 1006.14(b)(2)); calls that do not connect to the dialed number "
    "(busy signal, not in service) are not counted towards the 7 in 7 days "
    "(12 CFR 1006.14(b)(3)(ii))"
)


def us_counts_by_calendar_date(apps, schema_editor):
    Profile = apps.get_model("collections_app", "JurisdictionProfile")
    Decision = apps.get_model("collections_app", "ContactDecision")
    current = Profile.objects.filter(code="US", is_current=True).first()
    if current is None or current.call_counting == "calendar_days":
        return
    current.call_counting = "calendar_days"
    current.sources = (current.sources or "") + US_SOURCES_LINE
    if not Decision.objects.filter(profile_code="US", profile_version=current.version).exists():
        # No decision applied it yet (a new installation): nothing to keep as it was.
        current.save(update_fields=["call_counting", "sources"])
        return
    latest = Profile.objects.filter(code="US").order_by("-version").first()
    Profile.objects.filter(pk=current.pk).update(is_current=False)
    current.pk = None
    current.version = latest.version + 1
    current.is_current = True
    current.created_by = None
    current.created_at = timezone.now()
    current.save()


class Migration(migrations.Migration):
    dependencies = [
        ("collections_app", "0014_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="jurisdictionprofile",
            name="call_counting",
            field=models.CharField(
                choices=[
                    ("calendar_days", "Calendar days, as the rule counts"),
                    ("rolling_hours", "Rolling 7 x 24 hours, every call counted"),
                ],
                default="rolling_hours",
                max_length=16,
                verbose_name="call counting",
            ),
        ),
        migrations.AlterField(
            model_name="jurisdictionprofile",
            name="call_counting",
            field=models.CharField(
                choices=[
                    ("calendar_days", "Calendar days, as the rule counts"),
                    ("rolling_hours", "Rolling 7 x 24 hours, every call counted"),
                ],
                default="calendar_days",
                help_text="Calendar days: as Regulation F counts (dates in the borrower's time "
                "zone, the day of a conversation is day one, calls that never connected to the "
                "number are not counted). Rolling hours: 7 x 24 hours back from each call, every "
                "call counted (stricter).",
                max_length=16,
                verbose_name="call counting",
            ),
        ),
        migrations.AddField(
            model_name="jurisdictionprofile",
            name="max_call_attempts_per_person_7d",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Call attempts to the borrower across all of their debts in any 7 "
                "consecutive days (a policy cap; the law's cap is per debt).",
                null=True,
                verbose_name="call attempts per person in 7 days (cap)",
            ),
        ),
        migrations.AlterField(
            model_name="contactattempt",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                    ("connected", "Connected conversation"),
                    ("unanswered", "Unanswered"),
                    ("busy", "Busy signal"),
                    ("not_connected", "Not connected (number not in service)"),
                    ("voicemail", "Voicemail left"),
                    ("not_sent", "Not sent"),
                ],
                default="pending",
                max_length=16,
                verbose_name="outcome",
            ),
        ),
        migrations.AlterField(
            model_name="calllog",
            name="wrap_up",
            field=models.CharField(
                blank=True,
                choices=[
                    ("right_party", "Right-party contact"),
                    ("third_party", "Third party"),
                    ("no_answer", "No answer"),
                    ("busy", "Busy signal"),
                    ("not_in_service", "Number not in service"),
                    ("voicemail", "Voicemail"),
                    ("wrong_number", "Wrong number"),
                    ("refused_to_pay", "Refused to pay"),
                    ("promise", "Promise to pay"),
                    ("callback", "Callback requested"),
                    ("dispute", "Dispute"),
                    ("attorney", "Reports an attorney"),
                    ("bankruptcy", "Reports bankruptcy"),
                    ("deceased", "Reports the borrower deceased"),
                ],
                max_length=16,
                verbose_name="wrap-up code",
            ),
        ),
        migrations.RunPython(us_counts_by_calendar_date, migrations.RunPython.noop),
    ]
