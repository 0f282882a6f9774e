"""A hostile vendor for tests: every text field of every answer carries the caller's credential.

Switched on by `"echo_credentials": true` in the state file. Real vendors have echoed request
data back in warnings and error text; whatever a client keeps of an answer (a warning, an error
message, a description, a purpose, a message) must never carry a credential any further, and
this is how the suite proves it. Off by default; the answers are otherwise unchanged.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.wire import Request, Response

# Free-text fields of the answers the sandbox gives, by vendor.
SLACK_TEXT = ("warning", "needed", "provided", "value", "text", "description", "real_name")
OPSGENIE_TEXT = ("message", "result", "description")
JSM_TEXT = ("title", "message", "description")
JSM_PREFIXES = ("/jsm/", "/gateway/", "/rest/", "/_edge/")


def echoing(state_data: dict[str, Any]) -> bool:
    return bool(state_data.get("echo_credentials"))


def echo(request: Request, response: Response) -> Response:
    credential = request.headers.get("authorization", "")
    if not credential or not isinstance(response.body, dict):
        return response
    slack = request.path.startswith("/api/")
    if request.path.startswith(JSM_PREFIXES):
        return _echo_jsm(request, response, credential)
    body = _walk(response.body, SLACK_TEXT if slack else OPSGENIE_TEXT, credential)
    if slack:
        body["warning"] = f"echo {credential}"
        meta = body.setdefault("response_metadata", {})
        meta["warnings"] = [f"echo {credential}"]
        meta["messages"] = [f"[WARN] echo {credential}"]
        if body.get("ok") is False:
            body["error"] = f"{body.get('error')} {credential}"
    else:
        body["message"] = f"{body.get('message', '')} {credential}".strip()
        if "errors" in body and isinstance(body["errors"], dict):
            body["errors"] = {k: f"{v} {credential}" for k, v in body["errors"].items()}
    headers = {**response.headers, "X-Echo": credential}
    return Response(response.status, body, headers)


def _walk(data: Any, keys: tuple[str, ...], credential: str) -> Any:
    if isinstance(data, dict):
        return {
            k: f"{v} {credential}"
            if k in keys and isinstance(v, str)
            else _walk(v, keys, credential)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_walk(v, keys, credential) for v in data]
    return data


def _echo_jsm(request: Request, response: Response, credential: str) -> Response:
    """JSM: the header, and the email:token pair inside it, in every text field and errors."""
    import base64

    try:
        pair = base64.b64decode(credential.removeprefix("Basic ")).decode()
    except ValueError:
        pair = ""
    echoed = f"{credential} {pair}".strip()
    body = _walk(response.body, JSM_TEXT, echoed)
    body["message"] = f"{body.get('message', '')} {echoed}".strip()
    return Response(response.status, body, {**response.headers, "X-Echo": echoed})
