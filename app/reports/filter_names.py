"""The filters a report was made with, as it names them: labels and values in its language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_is_public
from app.feed.countries import state_name_in
from app.feed.mechanisms import localised_name
from app.models import Cluster, Entity, Mechanism
from app.public.related import public_entity_ids
from app.reports.labels import Words, interface_language
from app.reports.schemas import ReportEntity
from app.taxonomies.service import sdg_title, sdg_titles, term_names


def filters_used(
    session: Session,
    used: dict[str, Any],
    lang: str,
    *,
    staff: bool,
    theme_names: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The filters ``used`` (the list's filter names and values, as its parameters parse them), as a
    report shows them: their labels and values in ``lang``, a mechanism, an entity or a cluster by its
    name (a cluster the public report cannot show is not named), a theme by its name in that language,
    an SDG goal or target with its title in that language ("4. Ensure inclusive ...").
    The staff workspace's reports page lists the filters its downloads carry the same way."""
    words = Words(interface_language(lang))
    if theme_names is None:  # the report has them already; the workspace's reports page does not
        theme_names = term_names(session, words.lang).get("theme", {}) if used.get("theme") else {}
    named: dict[str, dict[str, str]] = {"mechanism": {}, "entity": {}, "cluster": {}, "theme": theme_names}
    if used.get("mechanism"):
        codes = {str(code).strip().upper(): str(code) for code in used["mechanism"]}
        for code, name in session.execute(
            select(Mechanism.code, Mechanism.name).where(Mechanism.code.in_(codes))
        ):
            named["mechanism"][codes[code]] = localised_name(code, words.lang) or name
    if used.get("entity") is not None:
        found = session.get(Entity, used["entity"])
        # The public report names only an entity the public sees named elsewhere: else its id.
        if found is not None and (staff or public_entity_ids(session, [found.id])):
            named["entity"][str(found.id)] = words.entity(
                ReportEntity(id=found.id, name=found.name, acronym=found.acronym)
            )
    if used.get("cluster") is not None:
        clusters = select(Cluster.id, Cluster.name).where(Cluster.id == used["cluster"])
        if not staff:  # the public report refused any other (app.reports.service)
            clusters = clusters.where(*cluster_is_public())
        named["cluster"] = {str(cluster_id): name for cluster_id, name in session.execute(clusters)}
    if used.get("sdg"):  # a goal (or target) with its title in the report's language, as its sections
        titles = sdg_titles(words.lang)
        named["sdg"] = {
            str(code): f"{code}{'' if '.' in str(code) else '.'} {sdg_title(str(code), words.lang, titles)}"
            for code in used["sdg"]
        }
    for name in ("country", "recommending_state"):  # States by their name in the report's language
        named[name] = {str(state): state_name_in(str(state), words.lang) for state in used.get(name) or []}
    return [
        words.filter_used(name, value if isinstance(value, list) else [value], named.get(name, {}))
        for name, value in used.items()
    ]
