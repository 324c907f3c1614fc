"""Acting on what a provider said about an address: the carrier's opt-out stops the channel,
an unusable address is refused by the gate from then on. One function for the send path and the
delivery callbacks, so both act on the same codes the same way."""

from __future__ import annotations

from collections_app.channels import address_codes
from collections_app.channels.address_codes import Verdict
from collections_app.models import BadContactPoint, OutboundMessage
from collections_app.services.consents import consent_opt_out


def address_failure_record(message: OutboundMessage, code: str, reason: str) -> Verdict:
    """Record what error `code` on `message` says about its address; returns the verdict."""
    verdict = address_codes.verdict(code)
    if verdict == Verdict.OPTED_OUT:
        consent_opt_out(
            borrower=message.borrower,
            channel=message.channel,
            source="provider",
            note=f"provider error {code}",
        )
    elif verdict == Verdict.UNUSABLE:
        contact_point_unusable_record(
            borrower_id=message.borrower_id,
            channel=message.channel,
            address=message.to_address,
            code=code,
            reason=reason or address_codes.describe(code),
        )
    return verdict


def contact_point_unusable_record(
    *, borrower_id: int, channel: str, address: str, code: str, reason: str
) -> None:
    """The address cannot be used (an invalid number, a hard bounce): the gate refuses it until
    the borrower's address changes."""
    # ignore_conflicts: a second failure on the same address (or a callback and a send error
    # racing) keeps the first record, and never breaks the caller's transaction.
    BadContactPoint.objects.bulk_create(
        [
            BadContactPoint(
                borrower_id=borrower_id,
                channel=channel,
                address=address,
                code=code,
                reason=reason[:500],
            )
        ],
        ignore_conflicts=True,
    )
