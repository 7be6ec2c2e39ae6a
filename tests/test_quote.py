"""Quotations and their speakers, on short German texts written for the test."""
from __future__ import annotations

import pandas as pd

from newsetl.transforms import quote
from newsetl.transforms.tag import entity_id

PISTORIUS = entity_id("PER", "boris pistorius")
SCHOLZ = entity_id("PER", "olaf scholz")


def _mention(body: str, surface: str, eid: str, label: str = "PER", nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = body.index(surface, start + 1)
    return {"doc_id": "d", "entity_id": eid, "label": label, "surface": surface, "start_char": start,
            "end_char": start + len(surface), "source": "rule", "is_derived": False}


def _quotes(body: str, mentions: list[dict] = (), language: str = "de") -> pd.DataFrame:
    articles = pd.DataFrame([{"doc_id": "d", "body": body, "title": "T", "language": language}])
    return quote.quotes_batch(articles, pd.DataFrame(list(mentions), columns=[
        "doc_id", "entity_id", "label", "surface", "start_char", "end_char", "source", "is_derived"]))


def _one(frame: pd.DataFrame, kind: str) -> pd.Series:
    rows = frame[frame["kind"] == kind]
    assert len(rows) == 1, frame[["kind", "quote"]].to_dict("records")
    return rows.iloc[0]


def test_direct_quote_in_german_marks_with_speaker_after_it():
    body = "„Wir werden die Ukraine weiter unterstützen“, sagte Boris Pistorius am Montag in Berlin."
    row = _one(_quotes(body, [_mention(body, "Boris Pistorius", PISTORIUS)]), "direct")
    assert row["quote"] == "„Wir werden die Ukraine weiter unterstützen“"
    assert (row["cue"], row["speaker"], row["speaker_entity_id"]) == ("sagte", "Boris Pistorius", PISTORIUS)


def test_interrupted_quote_gives_two_rows_with_one_speaker():
    body = "„Das ist ein schwerer Tag für unser Land“, sagte Olaf Scholz, „aber wir stehen zusammen.“"
    found = _quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ)])
    assert list(found["quote"]) == ["„Das ist ein schwerer Tag für unser Land“", "„aber wir stehen zusammen.“"]
    assert set(found["speaker_entity_id"]) == {SCHOLZ}


def test_quote_over_several_sentences_is_one_quotation():
    body = "Scholz sagte: »Wir helfen. Wir helfen schnell. Und wir helfen so lange wie nötig.«"
    assert list(_quotes(body)["quote"]) == ["»Wir helfen. Wir helfen schnell. Und wir helfen so lange wie nötig.«"]


def test_single_words_names_and_titles_in_quotation_marks_are_not_quotes():
    body = ("Das Schiff „Gorch Fock“ lief am Morgen aus. Der Film „Das Boot“ läuft heute. "
            "Die Stadt erlebte ein „Ereignis“ ohne Beispiel.")
    assert _quotes(body).empty


def test_scare_quoted_phrase_in_a_speech_sentence_is_a_partial_quote():
    body = "Der Minister nannte die Lage „äußerst angespannt“."
    assert list(_quotes(body)["quote"]) == ["„äußerst angespannt“"]


def test_the_word_someone_called_something_is_a_quote():
    body = "Der Minister nannte den Bericht eine „Zeitungsente“. Die Opposition bezeichnete ihn als „Skandal“."
    assert list(_quotes(body)["quote"]) == ["„Zeitungsente“", "„Skandal“"]


def test_dass_clause_after_a_speech_verb_is_indirect_speech():
    body = "Pistorius erklärte am Dienstag, dass die Bundeswehr mehr Geld brauche."
    row = _one(_quotes(body, [_mention(body, "Pistorius", PISTORIUS)]), "indirect")
    assert row["quote"] == "dass die Bundeswehr mehr Geld brauche"
    assert (row["cue"], row["speaker_entity_id"]) == ("erklärte", PISTORIUS)


def test_verb_second_clause_in_konjunktiv_one_is_indirect_speech_before_or_after_the_frame():
    before = "Boris Pistorius sagte, er sei zu Gesprächen bereit."
    after = "Die Lage sei ernst, betonte Boris Pistorius."
    assert _one(_quotes(before, [_mention(before, "Boris Pistorius", PISTORIUS)]), "indirect")["quote"] \
        == "er sei zu Gesprächen bereit"
    row = _one(_quotes(after, [_mention(after, "Boris Pistorius", PISTORIUS)]), "indirect")
    assert (row["quote"], row["speaker_entity_id"]) == ("Die Lage sei ernst", PISTORIUS)


def test_following_sentences_in_konjunktiv_one_continue_the_speech_as_one_quotation():
    body = ("Olaf Scholz sagte, die Regierung handle entschlossen. Man habe genug Reserven. Die Preise würden "
            "bald sinken. Am Abend reiste er nach Paris.")
    found = _quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ)])
    row = _one(found, "free_indirect")
    assert row["quote"] == "Man habe genug Reserven. Die Preise würden bald sinken"
    assert row["speaker_entity_id"] == SCHOLZ and pd.isna(row["cue"])


def test_laut_and_zufolge_attribute_the_rest_of_the_sentence_to_their_source():
    body = "Laut Polizei wurden drei Menschen verletzt. Dem Innenministerium zufolge sind die Straßen gesperrt."
    interior = entity_id("ORG", "innenministerium")
    found = _quotes(body, [_mention(body, "Innenministerium", interior, "ORG")])
    assert list(found["kind"]) == ["indirect", "indirect"]
    assert list(found["cue"]) == ["laut", "zufolge"]
    assert list(found["quote"]) == ["wurden drei Menschen verletzt", "sind die Straßen gesperrt"]
    assert found["speaker_entity_id"].iloc[1] == interior


def test_pronoun_speaker_resolves_to_the_person_mentioned_before():
    body = "Olaf Scholz traf am Montag Boris Pistorius. Am Abend sagte er, die Lage sei ernst."
    found = _quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ), _mention(body, "Boris Pistorius", PISTORIUS)])
    row = _one(found, "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("er", PISTORIUS)


def test_role_noun_speaker_resolves_to_the_person_that_role_introduced():
    body = ("Verteidigungsminister Boris Pistorius besuchte Kanzler Olaf Scholz. "
            "„Wir brauchen mehr Soldaten in der Truppe“, sagte der Minister.")
    found = _quotes(body, [_mention(body, "Boris Pistorius", PISTORIUS), _mention(body, "Olaf Scholz", SCHOLZ)])
    row = _one(found, "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("der Minister", PISTORIUS)


def test_reported_speech_act_with_a_named_speaker():
    body = "Olaf Scholz forderte eine schnelle Entscheidung der Notenbank."
    row = _one(_quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ)]), "reported")
    assert (row["quote"], row["cue"], row["speaker_entity_id"]) == (
        "Olaf Scholz forderte eine schnelle Entscheidung der Notenbank", "forderte", SCHOLZ)


def test_offsets_index_the_body_and_ids_are_stable():
    body = ("Die Lage sei ernst, sagte Scholz. „Wir handeln jetzt und mit aller Kraft“, fügte er hinzu. "
            "Laut Regierung gibt es keine Alternative.")
    first, second = _quotes(body), _quotes(body)
    assert len(first) == 3
    assert all(body[s:e] == q for s, e, q in zip(first["start_char"], first["end_char"], first["quote"]))
    assert list(first["quote_id"]) == list(second["quote_id"]) == [f"d-{s}" for s in first["start_char"]]
    assert set(first["kind"]) <= set(quote.KINDS)
    assert list(first.columns) == quote.QUOTE_COLUMNS
    assert str(first["start_char"].dtype) == "int64" and str(first["speaker_entity_id"].dtype) == "str"


def test_only_german_articles_are_read():
    assert _quotes("„Wir handeln jetzt und mit aller Kraft“, sagte Scholz.", language="en").empty


def test_quotation_over_paragraphs_ends_each_unclosed_paragraph_and_nested_marks_stay_inside():
    body = ("Der Sprecher sagte:\n\n„Wir helfen allen Menschen in der Region so schnell es geht.\n\n"
            "„Und wir bleiben, bis die Arbeit getan ist.“ Die Firma schrieb: „Wir haben „Small Business“ im Blick.“")
    assert list(_quotes(body)["quote"]) == [
        "„Wir helfen allen Menschen in der Region so schnell es geht.",
        "„Und wir bleiben, bis die Arbeit getan ist.“",
        "„Wir haben „Small Business“ im Blick.“"]


def test_nach_angaben_wonach_and_demnach_attribute_content_to_the_source_before():
    body = ("Nach Angaben der örtlichen Polizei wurden zwei Häuser zerstört. Die Polizei legte einen Bericht vor, "
            "wonach der Brand gelegt wurde. Demnach war die Feuerwehr schnell am Ort.")
    police = entity_id("ORG", "polizei")
    found = _quotes(body, [_mention(body, "Polizei", police, "ORG", nth=1)])
    assert list(zip(found["cue"], found["quote"])) == [
        ("nach", "wurden zwei Häuser zerstört"), ("wonach", "der Brand gelegt wurde"),
        ("Demnach", "war die Feuerwehr schnell am Ort")]
    assert list(found["speaker_entity_id"])[1:] == [police, police]


def _direct(body: str) -> list[str]:
    found = _quotes(body)
    return list(found.loc[found["kind"] == "direct", "quote"])


def test_the_object_of_speaking_warning_or_advising_in_marks_is_a_quote():
    # quotes-de train 342 (sprach von einer), 330 (warnte vor den), 106 (riet zu)
    body = ("Der Bürgermeister sprach von einer „Gefahr für Leib und Leben“. Die Ärztin warnte vor den "
            "„Sparplänen“. Der Forscher riet zu „Geduld und Vorsicht“.")
    assert _direct(body) == ["„Gefahr für Leib und Leben“", "„Sparplänen“", "„Geduld und Vorsicht“"]


def test_a_word_after_an_indefinite_article_in_reported_speech_is_the_speakers():
    # quotes-de train 370 (sei ein „…“), 355 (habe ihr einen „…“), 187 (sei man von einer „…“)
    assert _direct("Der Präsident sagte, sein Land sei ein „Opfer der Krise“.") == ["„Opfer der Krise“"]
    assert _direct("Die Firma brachte im Mai ein „Smartphone Max“ heraus.") == []


def test_what_something_is_known_as_or_counts_as_is_no_quote():
    # quotes-de train 276, 634 (gilt/galt als), 240, 555 (als ... bekannt), 631, 641 (sich als)
    body = ("Der Vorfall gilt damit nicht als „schwerer Störfall“. Das Lager ist als „Dschungel von Calais“ "
            "bekannt. Die Schule präsentiert sich als „Schule ohne Rassismus“.")
    assert _direct(body) == []
    assert _direct("Die Opposition bezeichnete den Plan als „dreisten Wortbruch“.") == ["„dreisten Wortbruch“"]
    assert _direct("Er bezeichnete sich selbst als „Opfer einer Kampagne“.") == ["„Opfer einer Kampagne“"]


def test_long_names_of_capitalised_words_and_prepositions_are_no_quotes():
    # quotes-de train 190, 199, 433, 612 (long names); 43, 204, 244 (foreign names with dello, de la, pour)
    body = ("Die Junta nennt sich jetzt „Rat für Demokratische Reform unter der Aufsicht des Königs“. "
            "Das berichtete das Blatt „La Gazzetta dello Sport“.")
    assert _direct(body) == []
    assert _direct("Auf dem Plakat stand „Wir bleiben hier, bis die Fabrik wieder öffnet“.") == [
        "„Wir bleiben hier, bis die Fabrik wieder öffnet“"]


def test_slogans_after_sprueche_wie_are_quotes_however_they_are_written():
    body = "Auf den Transparenten standen Sprüche wie „Nieder mit der Besatzung und der Regierung“."
    assert _direct(body) == ["„Nieder mit der Besatzung und der Regierung“"]


def test_marks_glued_to_a_hyphen_are_part_of_a_compound_word():
    # quotes-de train 63 („Bild“-Zeitung), 149 („Eins zu Eins“-Begegnung), 493 („Jamaika“-Koalition)
    assert _direct("Er sagte, die „sanfte Landung“-Strategie sei gescheitert.") == []


def test_so_after_marks_makes_a_quote_only_with_a_speaker_after_it():
    assert _direct("„Das Werk bleibt hier“, so der Sprecher.") == ["„Das Werk bleibt hier“"]
    # quotes-de train 96: ", so wurde ..." goes on with the sentence, no speaker
    assert _direct("Er war lange der „Pitbull des Vatikans“, so wurde er später milder.") == []


def test_a_short_name_after_an_article_is_no_quote_even_before_a_speech_verb():
    # quotes-de train 110 (der „New York Times“, bekräftigt), 419 (von „Ener1“, Charles Gassenheimer, sagte)
    body = "Der Chefredakteur der „Neuen Presse“, Max Muster, sagte, das Blatt bleibe unabhängig."
    assert _direct(body) == []
    assert _direct("„Niemals“, sagte der Chefredakteur.") == ["„Niemals“"]


def test_a_source_marker_in_the_sentence_makes_a_lower_case_phrase_in_marks_a_quote():
    # quotes-de train 364 (laut dem Chefankläger), 558 (Nacke zufolge), 538 (laut Gericht)
    body = "Dem Gericht zufolge wurden dabei „unangemessene Fragen“ gestellt."
    assert _direct(body) == ["„unangemessene Fragen“"]
    # marks right after laut hold the source's name (train 444)
    assert _direct("Laut „tagesschau.de“ wurde der Sender abgeschaltet.") == []


def test_unframed_words_in_marks_inside_reported_speech_are_the_last_speakers():
    # quotes-de train 187, 362, 372, 398: marks inside Konjunktiv I speech with no frame of their own
    body = "Olaf Scholz sagte, die Regierung handle entschlossen. Die Pläne der Opposition seien „völlig unrealistisch“."
    row = _one(_quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ)]), "direct")
    assert (row["quote"], row["speaker_entity_id"]) == ("„völlig unrealistisch“", SCHOLZ)


def test_a_colon_without_a_speech_verb_goes_on_with_the_last_speaker():
    # quotes-de train 30, 518: "... mit der Türkeifrage: „…“" names no speaker
    body = ("Olaf Scholz sagte, die Lage sei ernst. Seine Zuversicht gründet sich auf die Erfahrung mit der Krise: "
            "„Wir haben das schon einmal geschafft.“")
    row = _one(_quotes(body, [_mention(body, "Olaf Scholz", SCHOLZ)]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Olaf Scholz", SCHOLZ)


def test_a_name_initial_ends_no_sentence_so_the_speaker_keeps_his_frame():
    body = "Der frühere Gouverneur Jeb Bush, Bruder von George W. Bush, sagte, er unterstütze Romney. Dann ging er."
    assert [body[s:e] for s, e in quote.sentences(body)] == [
        "Der frühere Gouverneur Jeb Bush, Bruder von George W. Bush, sagte, er unterstütze Romney.", "Dann ging er."]
    jeb = entity_id("PER", "jeb bush")
    row = _one(_quotes(body, [_mention(body, "Jeb Bush", jeb), _mention(body, "George W. Bush", entity_id("PER", "george w. bush"))]),
               "indirect")
    assert row["speaker_entity_id"] == jeb
