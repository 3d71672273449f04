"""Import errors a console or an HR tool can act on."""

from common.errors import AppError, InvalidInput, NotFound, PayloadTooLarge


class ImportNotFound(NotFound):
    code = "import_not_found"


class BadCsv(InvalidInput):
    """The file cannot be imported at all (encoding, header, structure): nothing is queued."""

    code = "invalid_csv"


class TooManyRows(PayloadTooLarge):
    code = "too_many_rows"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"
