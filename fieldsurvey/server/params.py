"""Query and path parameters the routes share, declared once with their bounds."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query

from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.paging import MAX_LIMIT

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
After = Annotated[str | None, Query(max_length=400, description="the 'next' of the previous page")]
IdPath = Annotated[str, Path(min_length=1, max_length=64)]
IdQuery = Annotated[str | None, Query(max_length=64)]
Name = Annotated[str, Path(min_length=1, max_length=64)]
Village = Annotated[str | None, Query(pattern=r"^\d{6,12}$")]
Scope = Annotated[
    str | None,
    Query(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="county, township or village code"),
]
Dimension = Literal["food", "clothing", "education", "medical", "housing", "water", "income"]
assert set(DIMENSIONS) == set(Dimension.__args__)  # type: ignore[attr-defined]
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


def not_found() -> UserError:
    return UserError(Text("找不到", "not found"), code="not_found")
