import pandas as pd

from newsetl.transforms.tag import MENTION_KEY, entity_id, find_mentions, load_model, model_pieces, tag_batch
from newsetl.transforms.tag_rules import person_key


def _mentions(body: str) -> pd.DataFrame:
    mentions, _, _ = tag_batch(pd.DataFrame({"doc_id": ["d"], "body": [body]}))
    return mentions


def test_name_variants_share_one_canonical_key():
    keys = {person_key(v)[0] for v in ("Kim Jong Un", "Kim Jong-un", "Kim Jong-Un")}
    assert keys == {"kim jong un"}
    assert person_key("Kim Jong-un")[1] == "Kim Jong Un"


def test_persons_after_role_cues_with_offsets():
    body = ("US-Außenminister Antony Blinken traf Machthaber Kim Jong-un nicht. "
            "Später sprach Blinken mit dem russischen Präsidenten Wladimir Putin.")
    mentions = _mentions(body)
    persons = mentions[mentions["label"] == "PER"]
    assert {"Antony Blinken", "Kim Jong-un", "Wladimir Putin", "Blinken"} <= set(persons["surface"])
    for row in mentions.itertuples():
        assert body[row.start_char:row.end_char] == row.surface
    blinken_ids = set(persons[persons["surface"].isin(["Antony Blinken", "Blinken"])]["entity_id"])
    assert len(blinken_ids) == 1


def test_genitives_and_adjectives_resolve_to_the_country():
    mentions = _mentions("Nordkoreas Raketen und die nordkoreanischen Truppen beunruhigen Nordkorea-Kenner.")
    country = entity_id("LOC", "country:KP")
    forms = mentions[mentions["entity_id"] == country]
    assert {"Nordkoreas", "nordkoreanischen"} <= set(forms["surface"])
    assert forms.set_index("surface").loc["nordkoreanischen", "is_derived"]
    assert not forms.set_index("surface").loc["Nordkoreas", "is_derived"]


def test_entity_aliases_carry_country_codes():
    _, aliases, _ = tag_batch(pd.DataFrame({"doc_id": ["d"], "body": ["Die Reise führte nach Tokio und Japan."]}))
    codes = dict(zip(aliases["alias"], aliases["country_code"]))
    assert codes["Tokio"] == "JP" and codes["Japan"] == "JP"


def test_find_mentions_leaves_derived_forms_out():
    spans = find_mentions(["Die japanische Regierung in Japan."], use_model=False)[0]
    assert spans == [(28, 33, "LOC")]


def test_entity_ids_are_stable():
    # Pinned: an id that changed would split every entity between the runs before and after.
    assert entity_id("PER", "kim jong un") == "E4f6003ac96bb6f28"
    assert entity_id("LOC", "country:JP") == "E1fddf777a170348a"
    assert entity_id("ORG", "kim jong un") != entity_id("PER", "kim jong un")


def test_seed_entities_match_gold(seeds_dir):
    import json
    from pathlib import Path

    from newsetl.transforms.clean import clean_article

    gold = json.loads((Path(__file__).parent / "gold" / "seeds_entities.json").read_text(encoding="utf-8"))
    names = sorted(k for k in gold if not k.startswith("_"))
    articles = pd.DataFrame([{"doc_id": n, "body": clean_article((seeds_dir / n).read_text(encoding="utf-8"), "text")["body"]}
                             for n in names])
    mentions, aliases, _ = tag_batch(articles)
    entities = aliases.drop_duplicates("entity_id").set_index("entity_id")
    found = {(r.doc_id, r.surface, r.label, entities.loc[r.entity_id, "name"], entities.loc[r.entity_id, "country_code"])
             for r in mentions.itertuples()}
    for name in names:
        for surface, label, canonical, code in gold[name]:
            hits = [f for f in found if f[:3] == (name, surface, label)]
            assert hits, (name, surface, label)
            assert any((canonical is None or f[3] == canonical) and (code is None or f[4] == code) for f in hits), hits
    # One person, one id, across the articles and spellings.
    kim = mentions[mentions["surface"].isin(["Kim Jong Un", "Kim Jong-un"])]
    assert kim["entity_id"].nunique() == 1 and kim["doc_id"].nunique() == 3


def test_odd_entity_texts_do_not_break_tagging():
    from newsetl.transforms.tag_rules import _inflected_noun

    assert _inflected_noun("UN-") is False and _inflected_noun("G7") is False
    assert _inflected_noun("Raketentechnologien") is True and _inflected_noun("Merkels") is False


def test_a_text_longer_than_the_models_max_length_is_tagged_in_pieces_with_offsets_into_the_whole(monkeypatch):
    model = load_model()
    monkeypatch.setattr(model, "max_length", 12_000)
    filler = "\n\n".join(f"Absatz {i}: Der Ausschuss tagte am Abend erneut und vertagte sich." for i in range(600))
    body = "Präsident Emmanuel Macron reiste nach Tokio.\n\n" + filler + "\n\nAußenminister Antony Blinken kam aus Seoul."
    assert len(body) > 3 * model.max_length
    mentions = _mentions(body)
    assert {"Emmanuel Macron", "Antony Blinken", "Tokio", "Seoul"} <= set(mentions["surface"])
    assert all(body[s:e] == surface for s, e, surface in zip(mentions["start_char"], mentions["end_char"],
                                                              mentions["surface"]))


def test_model_pieces_cover_the_text_in_order_and_end_at_paragraph_breaks():
    text = "\n\n".join(f"Absatz {i} mit etwas Text." for i in range(100))
    pieces = model_pieces(text, size=200)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset:offset + len(piece)] == piece and len(piece) <= 200 for offset, piece in pieces)
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])


def _organisations(body: str) -> list[str]:
    mentions = _mentions(body)
    return list(mentions.loc[mentions["label"] == "ORG", "surface"])


def test_a_common_noun_after_an_article_and_an_adjective_is_no_organisation_anywhere_in_the_article():
    body = ("US-Generalstabschef Dunford versicherte, die militärische Allianz ihrer beiden Länder sei felsenfest. "
            "Abe erklärte, er wolle die Allianz mit den USA weiter stärken.")
    assert "Allianz" not in _organisations(body)
    assert "Allianz" not in _organisations("Abe beschrieb die Allianz ihrer beiden Länder als felsenfest.")
    assert "Allianz" not in _organisations("Russland kritisierte das westliche Bündnis und die militärische Allianz.")


def test_names_keep_their_article_and_stay_organisations():
    assert "Bundeswehr" in _organisations("Die Bundeswehr schickt Soldaten nach Litauen.")
    assert "NATO" in _organisations("Die NATO verlegt Truppen an die Ostflanke.")
    assert "Vereinten Nationen" in _organisations("Die Vereinten Nationen forderten eine Waffenruhe.")
    assert "Allianz" in _organisations("Die Allianz hat ihren Umsatz im dritten Quartal gesteigert.")


def test_the_common_noun_filter_drops_only_countable_nouns_in_a_common_noun_phrase():
    from newsetl.transforms.tag_rules import Mention, _drop_common_nouns

    def kept(text: str, surface: str) -> bool:
        start = text.index(surface)
        mention = Mention(start, start + len(surface), "ORG", surface.lower(), surface, source="model")
        return bool(_drop_common_nouns(text, [mention]))

    assert kept("Die Grünen wollen die Schuldenbremse reformieren.", "Grünen")
    assert kept("Wir brauchen eine starke NATO, sagte er.", "NATO")  # no plural: a name
    assert kept("Er lobte die moderne Bundeswehr.", "Bundeswehr")
    assert kept("Die Vereinten Nationen tagten.", "Vereinten Nationen")
    assert not kept("Sie lobte die neue Regierung.", "Regierung")
    assert not kept("Das ist eine Allianz gegen den Terror.", "Allianz")
    assert not kept("Er verließ seine Partei im Streit.", "Partei")


def test_a_person_span_trimmed_to_nothing_finds_no_repetitions():
    from newsetl.transforms.tag_rules import Mention, _name_repetitions

    text = "Olaf Scholz sprach. Scholz ging."
    empty = Mention(5, 5, "PER", "per:x", "Olaf Scholz")
    assert [(m.start, m.end) for m in _name_repetitions(text, [empty])] == [(5, 11), (20, 26)]


def _labelled(body: str) -> list[tuple[str, str, str]]:
    return [(row.surface, row.label, row.entity_id) for row in _mentions(body).itertuples()]


def test_a_persons_name_tagged_once_is_tagged_where_the_article_repeats_it_in_part():
    body = ("Außenminister Wang Yi reiste nach Berlin. Dort sagte Wang, die Gespräche seien gut. "
            "Nordkoreas Machthaber Kim Jong Un schwieg. Später lobte Kim die Armee.")
    found = _labelled(body)
    wang = {eid for surface, label, eid in found if surface in ("Wang Yi", "Wang") and label == "PER"}
    kim = {eid for surface, label, eid in found if surface in ("Kim Jong Un", "Kim") and label == "PER"}
    assert [s for s, _, _ in found].count("Wang") == 1 and [s for s, _, _ in found].count("Kim") == 1
    assert wang == {entity_id("PER", "wang yi")} and kim == {entity_id("PER", "kim jong un")}


def test_a_persons_surname_after_a_determiner_or_an_article_is_a_common_noun():
    body = "Präsident Thomas Mann sprach. Der Mann an der Tür war ein Mann aus Bonn. Mann ging."
    spans = [(row.start_char, row.surface) for row in _mentions(body).itertuples() if row.label == "PER"]
    assert spans == [(10, "Thomas Mann"), (body.rindex("Mann ging"), "Mann")]


def test_the_mentions_of_one_name_take_the_label_most_of_them_have():
    from newsetl.transforms.tag_resolve import Mention, _vote_labels

    mentions = [Mention(0, 5, "ORG", "forsa", "Forsa", source="model"),
                Mention(14, 19, "PER", "forsa", "Forsa", source="model"),
                Mention(28, 33, "ORG", "forsa", "Forsa", source="model")]
    assert [m.label for m in _vote_labels(mentions)] == ["ORG", "ORG", "ORG"]
    assert [m.label for m in _vote_labels(mentions[:2])] == ["ORG", "PER"]  # a tie changes nothing


def test_a_one_word_mention_of_a_persons_name_joins_the_person_and_its_label():
    from newsetl.transforms.tag_resolve import Mention, _vote_labels

    mentions = [Mention(0, 11, "PER", "kim jong un", "Kim Jong Un", source="rule"),
                Mention(20, 23, "ORG", "kim", "Kim", source="model"),
                Mention(30, 33, "PER", "kim", "Kim", source="model")]
    voted = _vote_labels(mentions)
    assert [(m.label, m.key, m.start) for m in voted] == [("PER", "kim jong un", 0), ("PER", "kim jong un", 20),
                                                          ("PER", "kim jong un", 30)]


def test_an_organisation_tagged_once_is_tagged_at_its_other_occurrences_but_a_common_noun_is_not():
    from newsetl.transforms.tag_resolve import Mention, _other_occurrences

    text = "Forsa befragte 1000 Menschen. Laut Forsa liegt die Union vorn. Die Union und Forsas Chef."
    mentions = [Mention(0, 5, "ORG", "forsa", "Forsa", source="model"),
                Mention(52, 57, "ORG", "union", "Union", source="model")]
    added = [(text[m.start:m.end], m.label, m.key, m.source) for m in _other_occurrences(text, mentions)]
    assert added == [("Forsa", "ORG", "forsa", "coref"), ("Forsas", "ORG", "forsa", "coref")]


def test_a_name_the_model_and_the_article_level_resolution_both_find_is_one_mention():
    text = ("Im Prozess gegen Beate Zschäpe sagte die Angeklagte erneut aus. Zschäpe beschrieb, wie Uwe Mundlos und Uwe Böhnhardt "
            "über Waffen stritten. Uwe Böhnhardt war das egal, und er beendete den Streit mit Schlägen, heißt es in Zschäpes "
            "Erklärung. Mundlos und Böhnhardt hätten ihr nichts gesagt, so Zschäpes Anwalt.")
    mentions, _, _ = tag_batch(pd.DataFrame({"doc_id": ["d"], "body": [text]}))
    assert not mentions.duplicated(MENTION_KEY).any()
    bohnhardt = mentions[mentions["start_char"] == text.rindex("Böhnhardt")]
    assert len(bohnhardt) == 1
