"""Schemathesis hooks for the gateway's contract run (test/e2e/openapi-contract.e2e-spec.ts).

Each hook narrows generation where a rule of the API cannot be written in JSON Schema, so that a
schema-valid ("positive") part of a request is also valid for the server. Only parts generated in
positive mode are touched: negated parts still probe every rule, and nothing here hides a response
or a check.
"""

import base64
from datetime import datetime, timedelta, timezone
import hashlib
import json
import uuid

import schemathesis
from schemathesis.core.file_samples import FILE_SAMPLES
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.serialization import Binary

# POST /documents checks the file by its magic bytes: PDF, PNG, JPEG or TIFF.
ACCEPTED_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def _positive_at(case, location):
    meta = case.meta
    if meta is None:
        return False
    if location in meta.components:
        return not meta.is_negative_at(location)
    return meta.generation.mode.is_positive


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _cursor_for(seed):
    """A cursor as the server issues it: base64url of ["<UTC time>", "<uuid>"] (opaque to clients)."""
    digest = hashlib.sha256(str(seed).encode()).digest()
    position = ["2026-01-01T00:00:00.000000Z", str(uuid.UUID(bytes=digest[:16], version=4))]
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def _consistent_risk_input(risk_input):
    """`returns` holds one equal-length series per position symbol (a rule across fields)."""
    symbols = {position["symbol"] for position in risk_input.get("positions", []) if isinstance(position, dict)}
    length = 30
    for series in (risk_input.get("returns") or {}).values():
        if isinstance(series, list):
            length = max(length, min(len(series), 10_000))
    risk_input["returns"] = {symbol: [((i % 7) - 3) / 1000 for i in range(length)] for symbol in symbols}
    # simulations and seed are only allowed with monte_carlo.
    if risk_input.get("method") != "monte_carlo":
        risk_input.pop("simulations", None)
        risk_input.pop("seed", None)


def _pattern_ok(key):
    return isinstance(key, str) and 1 <= len(key) <= 255 and all("!" <= char <= "~" for char in key)


@schemathesis.hook
def before_call(context, case, kwargs):
    route = f"{case.method.upper()} {case.operation.path}"
    query_positive = _positive_at(case, ParameterLocation.QUERY)
    body_positive = _positive_at(case, ParameterLocation.BODY)
    if route in ("GET /jobs", "GET /admin/dlq", "GET /jobs/{id}/logs") and query_positive and case.query and "cursor" in case.query:
        # Only the server makes cursors; a random base64url string is rightly a 400.
        case.query["cursor"] = _cursor_for(case.query["cursor"])
    if route == "POST /jobs" and isinstance(case.body, dict):
        body = case.body
        if body_positive and body.get("type") == "risk" and isinstance(body.get("input"), dict):
            _consistent_risk_input(body["input"])
        headers = case.headers or {}
        key = headers.get("Idempotency-Key")
        if key is not None and _positive_at(case, ParameterLocation.HEADER) and _pattern_ok(key):
            # The same key with another body is a 422 by design: tie each generated key to its body.
            headers["Idempotency-Key"] = f"{key[:190]}-{_digest(body)[:16]}"
    if route == "GET /jobs/{id}/stream":
        # A resume id is an event of that job's stream, which only the server hands out: a well-formed
        # id of no event of the job is rightly a 400. Positive cases resume from the start instead.
        if _positive_at(case, ParameterLocation.HEADER) and case.headers:
            case.headers.pop("Last-Event-ID", None)
        if query_positive and case.query:
            case.query.pop("lastEventId", None)
    if route == "POST /admin/keys" and body_positive and isinstance(case.body, dict):
        if case.body.get("expiresAt") is not None:
            # A key that would expire before it exists is a 400 by design: expire it in a day.
            case.body["expiresAt"] = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    if route == "POST /documents" and body_positive and isinstance(case.body, dict):
        file = case.body.get("file")
        data = file.data if isinstance(file, Binary) else file
        if not (isinstance(data, bytes) and data.startswith(ACCEPTED_SIGNATURES)):
            case.body["file"] = Binary(FILE_SAMPLES["png"])



@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Drop "Schema-violating request accepted" for a case with no mutation, which Schemathesis itself
    reports as "Invalid component: positive test case": the request is valid, so accepting it is right.
    Schemathesis 4.32 makes such cases for the multipart body of POST /documents (it cannot validate
    binary data, so a draw keeps its negative label after the negation was undone). Every other
    failure is kept."""
    if type(failure).__name__ != "AcceptedNegativeData" or case.meta is None:
        return True
    data = case.meta.phase.data
    return not (getattr(data, "mutations", None) == () and "positive test case" in getattr(data, "description", "").lower())
