"""Domain errors raised by services and turned into JSON by the API (and messages by the web)."""


class DomainError(Exception):
    """A rule of the domain refused the request; `status` is the HTTP status the API answers with."""

    status = 422

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int | None = None, **extra: object
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra
        if status is not None:
            self.status = status


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404


class Throttled(DomainError):
    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__("throttled", message, retry_after=retry_after)
        self.retry_after = retry_after
