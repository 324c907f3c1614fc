"""Provider webhooks: verify, store raw, answer, then process in a worker.

urls.py, views.py  thin HTTP views: verify the signature, check the shape, store, answer
signatures.py      Twilio's X-Twilio-Signature and the lender's X-Signature (HMAC-SHA256)
parsing.py         the shape each request must have (400 otherwise) and its dedupe key
intake.py          the one INSERT (a duplicate is a no-op) and waking a worker
answers.py         the immediate TwiML answers (auto-replies, keypad menu), from reads only
replies.py, ivr.py reply words in English and Chinese; the keypad menu's steps
processing.py      claim a stored row, run the handler for its kind, record the outcome
handlers/          what each kind of event means for messages, the ledger, consents and cases
tasks.py           the drain task, the per-row task and the sweeper
email.py           django-anymail's tracking signal, stored like every other webhook
checks.py          `check --deploy` refuses to pass without the signing secrets
"""
