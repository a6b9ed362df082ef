"""Routes for photos: what the county lacks (devices), a household's photos and their bytes
(staff, in the caller's villages only), and the county's photo limits (admins set them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.api import files
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import ADMIN_ONLY
from fieldsurvey.server.deps import DeviceCaller, ServerDirDep, Staff
from fieldsurvey.server.photos import service as photos

router = APIRouter(tags=["photos"], responses=refusals.STAFF)
HouseholdId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_\-]+$")]
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
PairItem = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]],
    Field(min_length=2, max_length=2),
]


class MissingQuery(BaseModel):
    photos: Annotated[list[PairItem], Field(max_length=photos.MAX_QUERY)]


class Limits(BaseModel):
    per_household: int | None = None
    household_bytes: int | None = None
    per_bundle: int | None = None
    bundle_bytes: int | None = None


NO_PHOTO = Text("找不到这张照片", "no such photo")


@router.post(
    "/photos/missing",
    response_model=files.MissingPhotos,
    summary="Which (household, photo) pairs the county lacks (devices ask before uploading)",
)
def photos_missing(body: MissingQuery, who: DeviceCaller, sd: ServerDirDep) -> dict[str, Any]:
    with sd.transaction() as session:
        return photos.missing(session, who, [(p[0], p[1]) for p in body.photos])


@router.get(
    "/households/{household_id}/photos",
    response_model=files.HouseholdPhotos,
    summary="The photos of a household, as its visits name them",
)
def household_photos(household_id: HouseholdId, who: Staff, sd: ServerDirDep) -> dict[str, Any]:
    with sd.transaction() as session:
        return {"photos": photos.household_photos(session, who, household_id)}


@router.get(
    "/households/{household_id}/photos/{sha256}",
    summary="One photo (image/jpeg)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def photo(household_id: HouseholdId, sha256: Sha, who: Staff, sd: ServerDirDep) -> Response:
    with sd.transaction() as session:
        data = photos.photo_jpeg(session, who, household_id, sha256)
    if data is None:  # not there, or not the caller's: the same answer
        raise UserError(NO_PHOTO, code="not_found")
    return Response(
        data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get(
    "/photo-limits", response_model=answers.PhotoLimits, summary="The county's photo limits"
)
def get_limits(who: Staff, sd: ServerDirDep) -> dict[str, Any]:
    with sd.transaction() as session:
        return photos.get_limits(session).to_dict()


@router.put(
    "/photo-limits",
    response_model=answers.PhotoLimits,
    summary="Set the county's photo limits (admins)",
    dependencies=[ADMIN_ONLY],
)
def put_limits(body: Limits, who: Staff, sd: ServerDirDep) -> dict[str, Any]:
    with sd.transaction() as session:
        values = {k: v for k, v in body.model_dump().items() if v is not None}
        return photos.set_limits(session, sd.keys.signing, who, values).to_dict()
