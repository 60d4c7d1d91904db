"""The 17 SDG goals and 169 targets with titles in the six UN languages (bundled YAML, MIT)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SDG_DIR = Path(__file__).resolve().parent.parent / "data" / "sdg"
# The C loader (libyaml) when PyYAML has it: the pure-Python one adds ~2 s to every start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# UHRI's "zh" is the sdg-translations "zh-Hans".
LANG_DIRS = {"en": "en", "fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh": "zh-Hans"}


@dataclass(frozen=True)
class SdgEntry:
    code: str  # "5", "5.2", "16.a"
    goal: str  # "5"
    titles: dict[str, str]

    @property
    def is_target(self) -> bool:
        return self.code != self.goal


@lru_cache
def sdg_entries() -> dict[str, SdgEntry]:
    titles: dict[str, dict[str, str]] = {}
    for lang, folder in LANG_DIRS.items():
        for name in ("global_goals.yml", "global_targets.yml"):
            data = yaml.load((SDG_DIR / folder / name).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
            for key, value in data.items():
                parts = key.split("-")
                if parts[-1] != "title":
                    continue
                code = ".".join(parts[:-1])
                # The files write most accents as a letter and a combining mark (NFD): composed here
                # (NFC), as clients type them and as the stored titles are (migration 0028).
                title = unicodedata.normalize("NFC", " ".join(str(value).split()))
                titles.setdefault(code, {})[lang] = title
    entries = {code: SdgEntry(code, code.split(".")[0], t) for code, t in titles.items()}
    return dict(sorted(entries.items(), key=lambda item: _sort_key(item[0])))


def _sort_key(code: str) -> tuple[int, int, str]:
    goal, _, target = code.partition(".")
    return (int(goal), int(target) if target.isdigit() else 100 if target else 0, target)


SDG_CODES: frozenset[str] = frozenset(sdg_entries())
