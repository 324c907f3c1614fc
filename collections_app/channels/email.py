"""Email through Django's email backend (SMTP in production, files under var/mail/ by default)."""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid

from collections_app.channels.base import Channel, ChannelError, OutgoingMessage

logger = logging.getLogger(__name__)

ONE_CLICK = "List-Unsubscribe=One-Click"


def _unsubscribe_url_for(message: OutgoingMessage) -> str:
    """The unsubscribe link of the outbox row this message was rendered from, if any."""
    # Imported here: the web layer imports models and services, which may import channels.
    from collections_app.models import OutboundMessage
    from collections_app.web.unsubscribe import unsubscribe_url

    if not message.idempotency_key:
        return ""
    row = (
        OutboundMessage.objects.select_related("borrower")
        .filter(idempotency_key=message.idempotency_key)
        .first()
    )
    return unsubscribe_url(row.borrower) if row else ""


def unsubscribe_headers(message: OutgoingMessage) -> dict[str, str]:
    """List-Unsubscribe (RFC 2369) and its one-click POST (RFC 8058), unless given already.

    Mail providers (Gmail, Yahoo) require both for bulk senders and show their own unsubscribe
    button, which POSTs `List-Unsubscribe=One-Click` to the URL.
    """
    given = {name.lower(): value for name, value in message.headers.items()}
    added: dict[str, str] = {}
    link = given.get("list-unsubscribe", "")
    if not link:
        url = _unsubscribe_url_for(message)
        if not url:
            logger.warning("email %s has no unsubscribe link", message.idempotency_key or "-")
            return added
        link = added["List-Unsubscribe"] = f"<{url}>"
    if "list-unsubscribe-post" not in given and re.search(r"<https?://", link):
        added["List-Unsubscribe-Post"] = ONE_CLICK
    return added


def _refusal_is_permanent(exc: smtplib.SMTPRecipientsRefused) -> tuple[bool, str]:
    codes = [code for code, _ in exc.recipients.values()]
    # 5xx: the mailbox does not exist or will not take mail (a hard bounce); 4xx (451 greylisting,
    # a full mailbox) may pass later.
    return all(500 <= code < 600 for code in codes), str(codes[0] if codes else "")


def _close_quietly(connection: object) -> None:
    # A failing QUIT must not replace the outcome of the send (or its ChannelError).
    try:
        connection.close()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("closing the mail connection failed: %s", exc)


# The Message-ID is what a provider's tracking webhook names the message by, so it is stored
# (provider_id, 255 characters): the idempotency key (up to 160 characters) goes into it only
# when short, else a digest of it, so the id stays well inside the column on any host name.
MESSAGE_ID_KEY_CHARS = 40


def message_id_for(idempotency_key: str) -> str:
    key = idempotency_key or uuid.uuid4().hex
    if len(key) > MESSAGE_ID_KEY_CHARS or not re.fullmatch(r"[A-Za-z0-9._:-]+", key):
        key = hashlib.sha256(key.encode()).hexdigest()[:32]
    return make_msgid(idstring=key)


class EmailChannel(Channel):
    def send(self, message: OutgoingMessage) -> str:
        message_id = message_id_for(message.idempotency_key)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id, **message.headers, **unsubscribe_headers(message)},
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")

        connection = get_connection(fail_silently=False)
        try:
            # Connect, TLS and login first: a failure here means nothing of the message left.
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            code = str(getattr(exc, "smtp_code", "") or "connect-failed")
            raise ChannelError(f"mail server not reached: {exc}", code=code) from exc
        try:
            email.connection = connection
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            permanent, code = _refusal_is_permanent(exc)
            raise ChannelError(f"recipient refused: {exc}", permanent=permanent, code=code) from exc
        except smtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.smtp_code < 600
            raise ChannelError(str(exc), permanent=permanent, code=str(exc.smtp_code)) from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            # The server may have accepted the message before the connection dropped.
            raise ChannelError(str(exc), unknown=True, code="disconnected") from exc
        finally:
            _close_quietly(connection)
        return message_id
