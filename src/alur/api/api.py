"""The REST API at /api/v1/: one django-ninja instance, one router per context, mounted together.

Authentication is a personal API token (``Authorization: Bearer alur_…``), scoped to one workspace
and to read or write; a signed-in browser session also works (with CSRF). What a caller may do is
decided by the same policy as in the UI, and never more than the token's scope allows.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from alur.accounts.selectors import api_token_for_plaintext
from alur.accounts.services import api_token_touch


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return None  # no token: the session may still authenticate
        # A request that shows credentials is judged on them alone: a bad, revoked or non-Bearer value is
        # 401, on every method (never passed on to the session check, whose CSRF refusal would say 403).
        result = super().__call__(request)
        if result is None:
            raise AuthenticationError()
        return result

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_for_plaintext(token)
        if api_token is None:
            return None
        api_token_touch(api_token)
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        # Answer in the token owner's language, as pages do for a signed-in person (the middleware,
        # which ran before the token was known, restores the previous language after the response).
        if api_token.user.language in ("id", "en"):
            translation.activate(api_token.user.language)
            request.LANGUAGE_CODE = api_token.user.language
        return api_token


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, for the UI's own calls; CSRF is checked by ninja."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated and request.user.is_active:
            request.api_token = None  # type: ignore[attr-defined]
            return request.user
        return None


ANY_ERROR = {"type": "object", "properties": {"detail": {"title": "Detail"}}, "required": ["detail"], "title": "ErrorOut"}


class AlurAPI(NinjaAPI):
    """The API, whose document names the answers every operation can give besides its own: 401 when it needs a
    token (missing, unknown, expired or revoked), 400 when it takes a body (one that is not JSON) and 422 when
    it takes input (a value out of its type or bounds, refused before the operation runs)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"$ref": "#/components/schemas/ErrorOut"} if "ErrorOut" in schema["components"].get("schemas", {}) else ANY_ERROR
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"] = {str(code): answer for code, answer in operation["responses"].items()}
                if operation.get("security"):
                    responses.setdefault(
                        "401", {"description": "Unauthorized", "content": {"application/json": {"schema": error}}}
                    )
                if operation.get("requestBody"):
                    responses.setdefault(
                        "400", {"description": "Bad Request", "content": {"application/json": {"schema": error}}}
                    )
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(
                        "422", {"description": "Unprocessable Content", "content": {"application/json": {"schema": error}}}
                    )
        return schema


api = AlurAPI(
    title="Alur API",
    version="1",
    description="Alur's REST API. Authenticate with a personal API token: `Authorization: Bearer alur_…`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or "Permission denied.", 403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, "Not found.", 404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(request, "Missing, unknown, expired or revoked API token.", 401)


@api.exception_handler(ValidationError)
def on_service_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors: list[dict[str, str | None]] = [
            {"field": field, "message": message} for field, messages in exc.message_dict.items() for message in messages
        ]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def on_request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=422)


def _mount_routers() -> None:
    from alur.accounts.api import router as accounts_router
    from alur.analytics.api import router as analytics_router
    from alur.campaigns.api import router as campaigns_router
    from alur.content.api import router as content_router
    from alur.publishing.api import router as publishing_router
    from alur.strategy.api import router as strategy_router

    api.add_router("/", accounts_router)
    api.add_router("/", strategy_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", publishing_router)
    api.add_router("/", content_router)
    api.add_router("/", analytics_router)


_mount_routers()
