"""Plain-data description of a survey form and of one parsed response.

The XLSForm writer, the export readers and the synthetic export generator work on
these dataclasses only, so they can be tested (and benchmarked) without a database.
The Django models build a FormSpec with ``Template.form_spec()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A user-facing text in both languages of the product."""

    en: str
    km: str


@dataclass(frozen=True)
class IndicatorSpec:
    code: str  # ASCII, unique within the template, e.g. "hc_staff_attitude"
    text: Text
    standard: Text | None = None  # the service standard it relates to


@dataclass(frozen=True)
class FacilitySpec:
    code: str  # facility type code: commune_office, health_centre, primary_school
    label: Text
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class PlaceSpec:
    code: str  # 6-digit commune or 8-digit village code
    name: Text
    parent: str = ""  # the commune code of a village; "" for a commune


SCALE_CHOICES = ("1", "2", "3", "4", "5", "dk")
SEX_CHOICES = ("female", "male", "other")
YES_NO = ("yes", "no")
IDPOOR_CHOICES = ("level1", "level2", "none")
CHANGE_CHOICES = ("better", "same", "worse", "dk")


@dataclass(frozen=True)
class FormSpec:
    template: str  # template code, e.g. "isaf"
    version: str  # the XLSForm settings version; exports carry it back
    title: Text
    facilities: tuple[FacilitySpec, ...]
    scale: tuple[Text, Text, Text, Text, Text]  # labels of ratings 1..5
    dont_know: Text
    communes: tuple[PlaceSpec, ...]
    villages: tuple[PlaceSpec, ...] = ()
    min_age: int = 15
    max_age: int = 110

    @property
    def form_id(self) -> str:
        return f"scorecard_{self.template}"

    def indicator_codes(self) -> list[tuple[str, str]]:
        """(facility code, indicator code) pairs in form order."""
        return [(f.code, i.code) for f in self.facilities for i in f.indicators]


@dataclass(frozen=True)
class ParsedResponse:
    """One valid submission, normalised to the form profile's names."""

    row: int  # 1-based line of the file's data (the header is row 1)
    stable_id: str  # meta/rootUuid, else meta/instanceID / KEY / _uuid
    instance_id: str
    commune: str
    village: str | None
    sex: str
    age: int
    disability: bool | None
    minority: bool | None
    idpoor: str | None
    enumerator: str
    overall: int | None  # None when "dk" or blank
    overall_dk: bool
    change: str | None
    ratings: dict[tuple[str, str], int | None]  # (facility, indicator) -> 1..5, None for dk/blank
    dont_know: frozenset[tuple[str, str]]  # which of ratings were answered "dk"
    needs: dict[str, str]  # facility code -> free text ("" when empty)
    started: dt.datetime | None
    ended: dt.datetime | None
    form_version: str
    review_state: str | None  # upstream review state, normalised: approved/rejected/has_issues
    raw: dict[str, str] = field(repr=False, default_factory=dict)  # the row as read
    content_hash: str = ""  # hash of the answers only (not system columns), for duplicates


@dataclass(frozen=True)
class RowError:
    """Why one row (or the whole file, with row 0) was refused."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        col = f", column {self.column}" if self.column else ""
        return (
            f"{where}{col}: {self.reason} ({self.value!r})"
            if self.value
            else f"{where}{col}: {self.reason}"
        )
