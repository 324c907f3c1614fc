"""The lender API under /api/v1/ (README "The lender API"): keys per integration, Idempotency-Key
on every write, problem+json errors, OpenAPI at /api/schema/. Input is parsed by
collections_app/lender/records.py (the same parsers the import uses) and applied by
services/lender.py; the serializers here only describe the shapes for the schema."""
