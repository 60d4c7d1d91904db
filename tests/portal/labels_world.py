"""A world for the labels in the reader's language: the sample English and French exports imported
(the French one with French theme and affected-person labels), and texts published in Arabic, Russian
and Chinese only, in a published cluster and a published action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from app.core.config import Settings
from importers.run import import_uhri
from tests.builder import building, imported
from tests.factories import record
from tests.importers.test_term_labels import SAMPLE, french_export

# Synthetic texts written for these tests (not UN text).
ARABIC = "توصي اللجنة بأن تعزز الدولة الطرف خدمات الرعاية الصحية الأولية في المناطق الريفية."
RUSSIAN = "Комитет рекомендует государству-участнику укрепить первичную медико-санитарную помощь."
CHINESE = "委员会建议缔约国加强农村地区的初级卫生保健服务。"
TEXTS = {"ar": ARABIC, "ru": RUSSIAN, "zh": CHINESE}
# A Chinese text longer than a list shows, whose only space follows its paragraph number.
LONG_CHINESE = "118.1 委员会建议缔约国：" + "加强国家人权机构的独立性并确保其获得充足资源，" * 20  # noqa: RUF001
CLUSTER = "Primary health care"
ACTION = "Open rural health posts"


@dataclass(frozen=True)
class Labelled:
    ids: dict[str, int]  # the Arabic, Russian and Chinese recommendations by language
    long_id: int  # the long Chinese one, a mechanism's only recommendation (CED)
    sample_id: int  # a sample recommendation on the right to health, with French labels learnt
    cluster_id: int
    action_id: int


def build_labelled(engine: Engine, settings: Settings, folder: Path) -> Labelled:
    (folder / "export-en.json").write_bytes((SAMPLE / "export-full-en.json").read_bytes())
    french_export(folder / "export-fr.json")
    run = import_uhri(engine, settings, str(folder / "export-{lang}.json"), languages=["en", "fr"])
    assert run.outcome == "succeeded", run.message
    ids = imported(
        engine,
        [
            record(
                f"only-{lang}",
                texts={lang: f"<p>7. {text}</p>"},
                mechanism="CESCR",
                publication_date=date(2025, 6, 1),
                countries=["Peru"],
                themes=["Right to health"],
                affected_persons=["Children"],
            )
            for lang, text in TEXTS.items()
        ],
    )
    ids = imported(engine, [record("long-zh", texts={"zh": f"<p>{LONG_CHINESE}</p>"}, mechanism="CED")])
    sample_id = ids["b57cfd85-d969-4e68-a3b2-c31b5d56b85a"]
    languages = {lang: ids[f"only-{lang}"] for lang in TEXTS}
    with building(engine) as build:
        cluster = build.cluster(CLUSTER, [*languages.values(), sample_id, ids["long-zh"]], published=True)
        action = build.action(
            ACTION,
            recommendations=[languages["ar"]],
            clusters=[cluster.id],
            status="in_progress",
            published=True,
        )
    return Labelled(languages, ids["long-zh"], sample_id, cluster.id, action.id)
