"""Provider webhooks: verify, store raw, answer, then process in a worker.

views.py      thin HTTP views: verify the signature, validate the shape, store, answer
signatures.py Twilio's X-Twilio-Signature and the lender's X-Signature (HMAC-SHA256)
intake.py     the one INSERT (dedupe on a unique key) and the hand-off to a worker
parsing.py    the shape each request must have (400 otherwise)
processing.py claim a stored row and run the handler for its kind
handlers/     what each kind of event means for messages, the ledger, consents and cases
replies.py    reply words (STOP, HELP, PAY, plan/promise, dispute) in English and Chinese
ivr.py        the keypad menu of a call (TwiML)
email.py      django-anymail's tracking signal, stored like every other webhook
checks.py     `check --deploy` refuses to run without the signing secrets
"""
