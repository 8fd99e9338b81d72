"""Rule and rule-pack specs: plain, frozen data parsed from YAML and checked by pydantic.

A spec is raw configuration; `migrator.engine.rules` compiles it into a `Rule`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migrator.engine.results import Category, Severity

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LinkSpec(_Spec):
    url: str
    title: str = ""


class ConstraintSpec(_Spec):
    """A constraint on one metavariable: its text matches `regex`, its node is of `kind`."""

    regex: str | None = None
    kind: str | list[str] | None = None
    not_: ConstraintSpec | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _not_empty(self) -> ConstraintSpec:
        if self.regex is None and self.kind is None and self.not_ is None:
            raise ValueError("a constraint needs at least one of regex, kind, not")
        return self

    def kinds(self) -> tuple[str, ...]:
        return _as_tuple(self.kind)


class RelationSpec(_Spec):
    """A node related to the match (an ancestor for inside, a descendant for has)."""

    pattern: str | None = None
    kind: str | list[str] | None = None
    regex: str | None = None
    # Only the nearest ancestor of `kind` counts (inside): "the enclosing function".
    nearest: bool = False
    inside: RelationSpec | None = None
    not_inside: RelationSpec | None = Field(default=None, alias="not-inside")
    has: RelationSpec | None = None
    not_has: RelationSpec | None = Field(default=None, alias="not-has")

    @model_validator(mode="after")
    def _not_empty(self) -> RelationSpec:
        if self.pattern is None and self.kind is None and self.regex is None:
            raise ValueError("a relation needs at least one of pattern, kind, regex")
        return self

    def kinds(self) -> tuple[str, ...]:
        return _as_tuple(self.kind)


class FixCaseSpec(_Spec):
    before: str
    after: str


class RuleTestsSpec(_Spec):
    valid: list[str] = []
    invalid: list[str] = []
    fixes: list[FixCaseSpec] = []


class FixSpec(_Spec):
    """A fix written as a mapping: the replacement template and imports it needs."""

    replace: str
    imports: list[str] = Field(default_factory=list, alias="add-imports")


class RuleSpec(_Spec):
    id: str = Field(pattern=ID_PATTERN)
    language: str
    message: str = Field(min_length=1)
    description: str = ""
    severity: Severity
    category: Category = "mandatory"
    effort: int = Field(default=1, ge=0)
    labels: list[str] = []
    links: list[LinkSpec] = []
    pattern: str | None = None
    query: str | None = None
    regex: str | None = None
    where: dict[str, ConstraintSpec] = {}
    inside: RelationSpec | None = None
    not_inside: RelationSpec | None = Field(default=None, alias="not-inside")
    has: RelationSpec | None = None
    not_has: RelationSpec | None = Field(default=None, alias="not-has")
    files: list[str] = []
    ignores: list[str] = []
    fix: str | FixSpec | None = None
    hint: str | None = None
    # False: no model should try this one (a design decision, a dependency choice): a person
    # decides. Incidents then say `fix: none`.
    model: bool = True
    tests: RuleTestsSpec = RuleTestsSpec()

    @field_validator("links", mode="before")
    @classmethod
    def _links_as_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"url": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _one_matcher(self) -> RuleSpec:
        given = [name for name in ("pattern", "query", "regex") if getattr(self, name)]
        if len(given) != 1:
            found = " and ".join(given) if given else "none"
            raise ValueError(f"a rule needs exactly one of pattern, query, regex (found {found})")
        return self

    @property
    def fix_template(self) -> str | None:
        return self.fix.replace if isinstance(self.fix, FixSpec) else self.fix

    @property
    def fix_imports(self) -> tuple[str, ...]:
        return tuple(self.fix.imports) if isinstance(self.fix, FixSpec) else ()


class RuleSetSpec(_Spec):
    """A rule pack's `ruleset.yaml`."""

    name: str = Field(pattern=ID_PATTERN)
    description: str = ""
    source: str | None = None
    target: str | None = None
    languages: list[str] = []
    labels: list[str] = []
    version: str | None = None
    kind: Literal["migrator"] = "migrator"
