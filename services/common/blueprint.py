"""The blueprint class every API module uses: strict about unknown fields, 422 for malformed JSON."""

from __future__ import annotations

import flask_smorest
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from shared.json_policy import JsonPolicyError, load_json


class StrictParser(FlaskParser):
    """Unknown fields are an error in every location (query, JSON, form), as the schemas say."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict = {}

    def _raw_load_json(self, req):
        """Parse the body under the shared JSON policy (depth, numbers, surrogates: 422, never 500).

        A body sent without a JSON content type is refused with 415 (not read as "no body", which
        would answer a confusing "missing field"); an empty body stays "no body"."""
        body = req.get_data(cache=True)
        if not body:
            return core.missing
        if not is_json_request(req):
            sent = req.mimetype or "none"
            abort(415, message=f"the request body must be sent with 'Content-Type: application/json' "
                               f"(got {sent[:100]!r})", errors={"Content-Type": [f"expected application/json, got {sent[:100]}"]})
        try:
            return load_json(body)
        except JsonPolicyError as exc:
            abort(422, message=f"the request body is not acceptable JSON: {exc}", errors={"json": [str(exc)]})

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, message="the request body is not valid JSON", errors={"json": [str(error)]})


class ApiBlueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the strict parser."""

    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema, *args, **kwargs):
        """As flask-smorest's, but a schema class is instantiated once here (webargs would build a new
        instance, deep-copying its fields, on every request)."""
        if isinstance(schema, type):
            schema = schema()
        parse = super().arguments(schema, *args, **kwargs)
        if kwargs.get("location", "json") != "json":
            return parse
        refuse = self.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")  # documented for the fuzzer and users
        return lambda view: refuse(parse(view))
