"""URL converters: record ids in paths stay within what the database can hold."""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from ..dbtypes import MAX_ID


class RecordIdConverter(IntegerConverter):
    """`<int:...>` for record ids: a number no id column can hold is a 404 before any query."""

    def to_python(self, value: str) -> int:
        """The id; NotFound (not a non-match, which werkzeug may answer 405) when too large."""
        try:
            number = super().to_python(value)
        except ValidationError:
            raise
        except ValueError:  # more digits than int() parses (sys.get_int_max_str_digits)
            raise NotFound from None
        if number > MAX_ID:
            raise NotFound
        return number
