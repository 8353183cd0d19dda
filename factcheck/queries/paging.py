"""Lists that grow with the data, read and shown a page at a time."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

PER_PAGE = 50
# Beyond this a page number is a typo or a probe; offsets must stay in the integer range.
MAX_PAGE = 1_000_000
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where it sits in the whole list (`number` is 1-based).

    `total` is None for lists not worth counting on every request; `more` then tells
    whether a next page exists.
    """

    items: list[T]
    number: int
    per_page: int
    total: int | None
    more: bool = False

    @property
    def pages(self) -> int | None:
        """How many pages the list has (at least one), or None when it is not counted."""
        if self.total is None:
            return None
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.more if self.pages is None else self.number < self.pages

    @property
    def first(self) -> int:
        """The position of the page's first item in the list (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The position of the page's last item in the list (0 when empty)."""
        return self.first + len(self.items) - 1 if self.items else 0

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def page_number(args: Mapping[str, Any]) -> int:
    """The `page` query argument (1 when missing or not a positive number; at most MAX_PAGE)."""
    try:
        return min(max(1, int(args.get("page", 1))), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def last_page(total: int, page: int, per_page: int) -> int:
    """`page`, or the last page when `page` is past the end of `total` items."""
    return min(max(1, page), max(1, math.ceil(total / per_page)))


def paginate(session: Session, query: Any, *, page: int, per_page: int = PER_PAGE,
             count: Any = None) -> Page:
    """The rows of `query` on page `page` (a page past the end gives the last one).

    `count` is a select of the number of rows (cheaper than counting `query` itself, which
    is the default), or False not to count: then one row more than a page is read to
    know whether a next page exists. Two queries, or one without counting.
    """
    if count is False:
        rows = list(session.exec(query.limit(per_page + 1)
                                 .offset((max(1, page) - 1) * per_page)).all())
        return Page(items=rows[:per_page], number=max(1, page), per_page=per_page,
                    total=None, more=len(rows) > per_page)
    if count is None:
        count = select(func.count()).select_from(query.order_by(None).subquery())
    total = session.exec(count).one()
    number = last_page(total, page, per_page)
    rows = []
    if total:
        rows = list(session.exec(query.limit(per_page).offset((number - 1) * per_page)).all())
    return Page(items=rows, number=number, per_page=per_page, total=total)


def paginate_sections(session: Session, sections: Sequence[tuple[int, Any]], *, page: int,
                      per_page: int = PER_PAGE) -> Page:
    """A page of a list made of sections shown one after another: (number of rows, ordered
    query) each, the numbers already counted. One query per section the page reaches, so
    each section can be read in the order of its own index."""
    total = sum(size for size, _query in sections)
    number = last_page(total, page, per_page)
    skip, wanted = (number - 1) * per_page, per_page
    items: list = []
    for size, query in sections:
        if skip >= size:
            skip -= size
            continue
        if not wanted:
            break
        rows = session.exec(query.offset(skip).limit(wanted)).all()
        items.extend(rows)
        skip, wanted = 0, wanted - len(rows)
    return Page(items=items, number=number, per_page=per_page, total=total)
