"""Email through Django's email backend (SMTP in production, files under var/mail/ by default)."""

from __future__ import annotations

import smtplib
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid

from collections_app.channels.base import Channel, ChannelError, OutgoingMessage


class EmailChannel(Channel):
    def send(self, message: OutgoingMessage) -> str:
        message_id = make_msgid(idstring=message.idempotency_key or uuid.uuid4().hex)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id, **message.headers},
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(f"recipient refused: {exc}", permanent=True, code="550") from exc
        except smtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.smtp_code < 600
            raise ChannelError(str(exc), permanent=permanent, code=str(exc.smtp_code)) from exc
        except ConnectionRefusedError as exc:
            raise ChannelError(f"mail server refused the connection: {exc}") from exc
        except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            # The server may have accepted the message before the connection dropped.
            raise ChannelError(str(exc), unknown=True) from exc
        return message_id
