"""Forms for what a borrower tells an agent that stops or limits contact: a dispute, a hold, an
opt-out (recorded from the case), and the dispute's own steps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models import Channel, ContactHold, Dispute
from collections_app.services.dispute_notices import NOTICE_CHANNELS

# A dispute document: letters, receipts and reports, not executables or archives.
DOCUMENT_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".txt", ".doc", ".docx")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

HOLD_KINDS = [
    (
        ContactHold.Kind.CEASE_COMMUNICATION,
        _("Cease communication (the borrower asked us to stop)"),
    ),
    (ContactHold.Kind.ATTORNEY, _("Represented by an attorney")),
    (ContactHold.Kind.BANKRUPTCY, _("Bankruptcy")),
    (ContactHold.Kind.DECEASED, _("Deceased")),
    (ContactHold.Kind.NO_CALLS_AT_WORK, _("Do not call at work")),
]
NOTICE_CHANNEL_CHOICES = [(c, label) for c, label in Channel.choices if c in NOTICE_CHANNELS]


def check_document(upload: object) -> None:
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(DOCUMENT_TYPES):
        raise ValidationError(
            _("%(name)s: upload a PDF, an image, a text or a Word file.") % {"name": name}
        )
    if getattr(upload, "size", 0) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": name})


class RecordDisputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Dispute.Kind.choices)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_via = forms.ChoiceField(label=_("Received by"), choices=Dispute.ReceivedVia.choices)
    details = forms.CharField(
        label=_("What the borrower says"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    document = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=_("The borrower's letter, a receipt, a police report (PDF, image, text)."),
    )

    def clean_received_on(self) -> object:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date a dispute was received cannot be in the future."))
        return value

    def clean_document(self) -> object:
        upload = self.cleaned_data.get("document")
        if upload:
            check_document(upload)
        return upload


class RecordHoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hold"), choices=HOLD_KINDS)
    source = forms.CharField(
        label=_("Who told us"),
        max_length=100,
        initial=_("borrower, by phone"),
        help_text=_("The borrower by phone, a letter, the attorney, a court notice..."),
    )
    attorney_contact = forms.CharField(
        label=_("Attorney's firm and contact"),
        max_length=300,
        required=False,
        help_text=_("Required for an attorney hold: firm, name, phone or email."),
    )
    attorney_phone = forms.CharField(
        label=_("Attorney's phone"),
        max_length=20,
        required=False,
        help_text=_("Where agents call instead of the borrower, in international format (+1...)."),
    )
    attorney_email = forms.EmailField(
        label=_("Attorney's email"),
        required=False,
        help_text=_("Where agents write instead of the borrower."),
    )
    bankruptcy_case_number = forms.CharField(
        label=_("Bankruptcy case number"),
        max_length=60,
        required=False,
        help_text=_("Required for a bankruptcy hold."),
    )
    work_phone = forms.CharField(
        label=_("Work number"),
        max_length=20,
        required=False,
        help_text=_("Required for do-not-call-at-work, in international format (+1...)."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    REQUIRED_FOR = {
        ContactHold.Kind.ATTORNEY: "attorney_contact",
        ContactHold.Kind.BANKRUPTCY: "bankruptcy_case_number",
        ContactHold.Kind.NO_CALLS_AT_WORK: "work_phone",
    }

    def clean(self) -> dict:
        data = super().clean()
        needed = self.REQUIRED_FOR.get(data.get("kind", ""))
        if needed and not (data.get(needed) or "").strip():
            self.add_error(needed, _("Required for this hold."))
        for field in ("work_phone", "attorney_phone"):
            number = (data.get(field) or "").strip()
            if number and not (number.startswith("+") and number[1:].isdigit()):
                self.add_error(field, _("Write the number as +country code and digits."))
        return data


class RecordOptOutForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Stop these channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReleaseHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the hold is released"),
        max_length=300,
        help_text=_("E.g. the attorney confirmed they no longer represent the borrower."),
    )


class SendVerificationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Send by"), choices=NOTICE_CHANNEL_CHOICES)


class CloseDisputeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Dispute.Outcome.REJECTED, Dispute.Outcome.REJECTED.label),
            (Dispute.Outcome.UPHELD, Dispute.Outcome.UPHELD.label),
        ],
    )
    response = forms.CharField(
        label=_("Our response"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    send_by = forms.ChoiceField(
        label=_("Send the response to the borrower by"),
        choices=[("", _("Do not send (already answered another way)")), *NOTICE_CHANNEL_CHOICES],
        required=False,
    )


class WithdrawDisputeForm(forms.Form):
    note = forms.CharField(label=_("How the borrower withdrew it"), max_length=2000, required=False)


class DisputeDocumentForm(forms.Form):
    document = forms.FileField(label=_("Document"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def clean_document(self) -> object:
        upload = self.cleaned_data["document"]
        check_document(upload)
        return upload
