"""Providers for running without any account: `file` (JSON lines under var/outbox/, what
`make run` uses) and `console` (the log)."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from collections_app.channels.base import Channel, OutgoingMessage

logger = logging.getLogger(__name__)


class FileChannel(Channel):
    # The file is the provider's record: an interrupted send can be looked up in it.
    can_lookup = True

    def _path(self) -> Path:
        return settings.PROVIDER_OUTBOX_DIR / f"{self.kind}.jsonl"

    def lookup(self, message: OutgoingMessage, since: datetime) -> str | None:
        if not self._path().exists():
            return None
        with self._path().open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if (
                    record["idempotency_key"] == message.idempotency_key
                    and record["to"] == message.to
                    and datetime.fromisoformat(record["sent_at"]) >= since
                ):
                    return record["provider_id"]
        return None

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"file-{uuid.uuid4().hex}"
        record = {
            "provider_id": provider_id,
            "channel": self.kind,
            "sent_at": timezone.now().isoformat(),
            **dataclasses.asdict(message),
        }
        self._path().parent.mkdir(parents=True, exist_ok=True)
        with self._path().open("a", encoding="utf-8") as out:
            # Several worker processes append to the same file: one whole line each.
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return provider_id


class ConsoleChannel(Channel):
    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"console-{uuid.uuid4().hex}"
        logger.info("%s to %s [%s]: %s", self.kind, message.to, provider_id, message.body)
        return provider_id
