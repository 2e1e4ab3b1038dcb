"""The server's settings: typed, with defaults; a bad value is reported and falls back.

They arrive as `initializationOptions` and from `workspace/configuration` (section `rnnlens`), nested
(`{"inlayHints": {"enabled": true}}`) or dotted (`{"inlayHints.enabled": true}`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Dict, List, Mapping, Tuple

from ..catalog import FRAMEWORKS
from ..present.labels import BYTES_PER_PARAMETER, COMPACT, DETAILED

LOG_LEVELS = ("error", "warning", "info", "debug")


@dataclass(frozen=True)
class Settings:
    inlay_hints_enabled: bool = True
    inlay_hints_style: str = COMPACT
    inlay_hints_model_totals: bool = False
    memory_dtype: str = "float32"
    frameworks: Tuple[str, ...] = FRAMEWORKS
    log_level: str = "info"
    analysis_time_budget: float = 2.0


# setting key → (field, validator returning the value or raising ValueError with the reason)
def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def _choice(*choices: str):
    def validate(value: Any) -> str:
        if value in choices:
            return value
        raise ValueError(f"expected one of {', '.join(map(repr, choices))}")

    return validate


def _seconds(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 600:
        return float(value)
    raise ValueError("expected a number of seconds between 0 and 600")


def _frameworks(value: Any) -> Tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        unknown = [v for v in value if v not in FRAMEWORKS]
        if not unknown:
            return tuple(dict.fromkeys(value))
        raise ValueError(f"unknown framework(s) {', '.join(map(repr, unknown))}; expected some of "
                         f"{', '.join(FRAMEWORKS)}")
    raise ValueError("expected a list of framework names")


KEYS: Dict[str, Tuple[str, Any]] = {
    "inlayHints.enabled": ("inlay_hints_enabled", _boolean),
    "inlayHints.style": ("inlay_hints_style", _choice(COMPACT, DETAILED)),
    "inlayHints.modelTotals": ("inlay_hints_model_totals", _boolean),
    "memory.dtype": ("memory_dtype", _choice(*BYTES_PER_PARAMETER)),
    "frameworks": ("frameworks", _frameworks),
    "logLevel": ("log_level", _choice(*LOG_LEVELS)),
    "analysis.timeBudget": ("analysis_time_budget", _seconds),
}
assert {f for f, _ in KEYS.values()} == {f.name for f in fields(Settings)}


def _flatten(options: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    flat: Dict[str, Any] = {}
    for key, value in options.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name not in KEYS:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def parse(options: Any, base: Settings = Settings()) -> Tuple[Settings, List[str]]:
    """Settings from a client's options (missing keys keep `base`), and a message per bad value.
    Options wrapped in a `rnnlens` section are unwrapped; unknown keys are reported, not fatal."""
    if options is None:
        return base, []
    if not isinstance(options, Mapping):
        return base, [f"rnnlens settings must be an object, got {type(options).__name__}; using defaults"]
    if isinstance(options.get("rnnlens"), Mapping):
        options = options["rnnlens"]
    settings, problems = base, []
    defaults = Settings()
    for key, value in _flatten(options).items():
        if key not in KEYS:
            problems.append(f"unknown setting rnnlens.{key}; ignored")
            continue
        field, validate = KEYS[key]
        if value is None:
            settings = replace(settings, **{field: getattr(defaults, field)})
            continue
        try:
            settings = replace(settings, **{field: validate(value)})
        except ValueError as reason:
            problems.append(f"rnnlens.{key} = {value!r} is invalid ({reason}); using "
                            f"{getattr(defaults, field)!r}")
            settings = replace(settings, **{field: getattr(defaults, field)})
    return settings, problems
