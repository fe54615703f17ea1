"""Schemathesis hooks for the upload API (loaded by tests/it/api.rs through
SCHEMATHESIS_HOOKS). A tus PATCH body is `application/offset+octet-stream`,
which Schemathesis cannot generate on its own: any bytes, up to a little
over the envelope header, so that the server's envelope check, not the
transport, judges them."""

from hypothesis import strategies as st

import schemathesis

schemathesis.openapi.media_type(
    "application/offset+octet-stream", st.binary(min_size=0, max_size=512)
)
