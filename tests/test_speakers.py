"""Speakers resolved to the entity the article means, on short German texts written for the test."""
from __future__ import annotations

from test_quote import _mention, _one, _quotes

from newsetl.transforms.speakers import Speakers
from newsetl.transforms.tag import entity_id

BAERBOCK = entity_id("PER", "annalena baerbock")
SELENSKYJ = entity_id("PER", "wolodymyr selenskyj")


def test_the_name_in_an_apposition_after_the_role_is_the_speaker_even_when_the_tagger_missed_it():
    body = "Der außenpolitische Sprecher der FDP-Bundestagsfraktion, Werner Hoyer, sagte, die Regierung müsse handeln."
    row = _one(_quotes(body, [_mention(body, "FDP-Bundestagsfraktion", entity_id("ORG", "fdp-bundestagsfraktion"),
                                       "ORG")]), "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Werner Hoyer", entity_id("PER", "werner hoyer"))


def test_a_role_noun_resolves_to_the_person_that_role_introduced_not_the_nearest_person():
    body = ("Außenministerin Annalena Baerbock ist nach Kiew gereist. Dort traf sie Präsident Wolodymyr Selenskyj. "
            "Die Ministerin sagte: „Wir stehen an Ihrer Seite.“")
    found = _quotes(body, [_mention(body, "Annalena Baerbock", BAERBOCK),
                           _mention(body, "Wolodymyr Selenskyj", SELENSKYJ)])
    row = _one(found, "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Die Ministerin", BAERBOCK)


def test_a_spokesperson_of_an_organisation_resolves_to_the_organisation_it_names():
    amt = entity_id("ORG", "auswärtigen amts")
    body = "Ein Sprecher des Auswärtigen Amts sagte, man prüfe den Bericht."
    row = _one(_quotes(body, [_mention(body, "Auswärtigen Amts", amt, "ORG")]), "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Ein Sprecher des Auswärtigen Amts", amt)


def test_a_party_in_brackets_and_an_addressee_are_not_the_speaker():
    body = ("Bundesinnenminister Thomas de Maizière (CDU) sagte, die Lage sei ernst. "
            "Gegenüber der ARD sagte Honoré Durand: „Wir wurden alarmiert.“")
    minister = entity_id("PER", "thomas de maizière")
    found = _quotes(body, [_mention(body, "Thomas de Maizière", minister),
                           _mention(body, "CDU", entity_id("ORG", "cdu"), "ORG"),
                           _mention(body, "ARD", entity_id("ORG", "ard"), "ORG")])
    assert _one(found, "indirect")["speaker_entity_id"] == minister
    assert (_one(found, "direct")["speaker"], _one(found, "direct")["speaker_entity_id"]) == (
        "Honoré Durand", entity_id("PER", "honoré durand"))


def test_the_agent_of_a_passive_speech_verb_is_the_speaker():
    body = "Zudem wurde die Bundesregierung vom LSVD aufgefordert, dem Sänger die Einreise zu verweigern."
    lsvd = entity_id("ORG", "lsvd")
    found = _quotes(body, [_mention(body, "Bundesregierung", entity_id("ORG", "bundesregierung"), "ORG"),
                           _mention(body, "LSVD", lsvd, "ORG")])
    assert _one(found, "indirect")["speaker_entity_id"] == lsvd


def test_the_agent_of_a_passive_is_the_speaker_before_a_possessor_or_the_passive_subject():
    body = ("Die Pläne Müllers wurden von Verkehrsministerin Petra Schulz als unbezahlbar bezeichnet. "
            "Die Anwohner wurden von den örtlichen Behörden aufgefordert, ihre Häuser zu verlassen.")
    schulz = entity_id("PER", "petra schulz")
    found = _quotes(body, [_mention(body, "Müllers", entity_id("PER", "müller")), _mention(body, "Petra Schulz", schulz)])
    assert found[["kind", "speaker"]].values.tolist() == [
        ["reported", "Verkehrsministerin Petra Schulz"], ["indirect", "den örtlichen Behörden"]]
    assert found["speaker_entity_id"].iloc[0] == schulz


def test_an_agent_opening_a_passive_sentence_speaks_there_and_in_the_reported_speech_after_it():
    framed = ("Von den Behörden wird angenommen, dass Schmuggler den Zwischenfall auslösten. "
              "Von Unionspolitikern wurden die Äußerungen als geschmacklos bezeichnet.")
    going_on = "Von politischen Beobachtern wird der Schritt als klug gewertet. So könne die Partei Wähler gewinnen."
    assert _quotes(framed, [])["speaker"].tolist() == ["den Behörden", "Unionspolitikern"]
    assert _one(_quotes(going_on, []), "free_indirect")["speaker"] == "politischen Beobachtern"


def test_a_person_quoted_by_a_paper_in_the_passive_stays_the_speaker():
    body = "Der Fraktionschef Volker Ratzmann wird von der „Netzeitung“ mit den Worten zitiert: „Der Senat ist am Ende.“"
    ratzmann = entity_id("PER", "volker ratzmann")
    row = _one(_quotes(body, [_mention(body, "Volker Ratzmann", ratzmann)]), "direct")
    assert row["speaker_entity_id"] == ratzmann


def test_a_person_after_a_sentence_opening_fuer_is_the_speaker_of_that_view():
    body = ("„Wir respektieren die Entscheidung“, sagte Angela Merkel. "
            "Für den Theologen Hans Küng sei der Rücktritt folgerichtig. "
            "Für Bildungssenator Willi Lemke hält die Schule die Anstellung für ein „gelungenes Beispiel“.")
    kueng, lemke = entity_id("PER", "hans küng"), entity_id("PER", "willi lemke")
    found = _quotes(body, [_mention(body, "Angela Merkel", entity_id("PER", "angela merkel")),
                           _mention(body, "Hans Küng", kueng), _mention(body, "Willi Lemke", lemke)])
    assert _one(found, "free_indirect")["speaker_entity_id"] == kueng
    assert found[found["quote"] == "„gelungenes Beispiel“"]["speaker_entity_id"].tolist() == [lemke]


def test_a_bare_surname_is_the_person_the_article_names_in_full_whether_the_tagger_found_a_part_or_nothing():
    # The tagger found nothing; the tagger found the first name alone and cut the surname off.
    missed = "Den Entwurf lehnte der Abgeordnete Reinhold Gall ab. Gall schreibt: „Der Dauerbetrieb bringt nichts.“"
    cut = "Darauf antwortete Reinhold Gall im Landtag. Auch Gall argumentierte, das Gesetz sei verfehlt."
    reinhold = entity_id("PER", "reinhold")
    speakers = [(row["speaker"], row["speaker_entity_id"]) for row in (
        _one(_quotes(missed, []), "direct"), _one(_quotes(cut, [_mention(cut, "Reinhold", reinhold)]), "indirect"))]
    assert speakers == [("Gall", entity_id("PER", "reinhold gall")), ("Gall", reinhold)]


def test_reported_speech_goes_on_from_a_body_that_opened_the_sentence_before_but_not_from_a_thing():
    body = ("Die Kriminalpolizei bittet um Mithilfe bei der Fahndung. Der Mann sei etwa 1,80 Meter groß. "
            "Die Veröffentlichung verzögerte sich um eine Woche. Der Bericht sei noch nicht fertig.")
    found = _quotes(body, [])
    assert found["speaker"].fillna("").tolist() == ["Die Kriminalpolizei", ""]


def test_the_subject_before_the_verb_in_second_place_speaks_not_the_object_after_it():
    body = ("Die Studie stammt von der Autorin Vera Herbst. Der Hauptgeschäftsführer des Verbandes nannte sie „fahrlässig“. "
            "Bazoum Mohammed, Sprecher der oppositionellen Gruppe CFDR, forderte die Militärjunta auf, abzutreten.")
    found = _quotes(body, [_mention(body, "Vera Herbst", entity_id("PER", "vera herbst")),
                           _mention(body, "CFDR", entity_id("ORG", "cfdr"), "ORG"),
                           _mention(body, "Militärjunta", entity_id("ORG", "militärjunta"), "ORG")])
    assert found["speaker"].tolist() == ["Der Hauptgeschäftsführer des Verbandes", "Bazoum Mohammed"]
    assert found["speaker_entity_id"].iloc[1] == entity_id("PER", "bazoum mohammed")


def test_a_relative_pronoun_before_a_prepositional_phrase_is_no_noun_phrase_of_the_speaker():
    body = ("In einem Bericht, der nach dem Angriff veröffentlicht wurde, rechtfertigte das Verteidigungsministerium "
            "den Einsatz als „defensiver Natur“.")
    assert _one(_quotes(body, []), "direct")["speaker"] == "das Verteidigungsministerium"


def test_reported_speech_reaches_back_past_a_sentence_that_only_points_back_to_its_speaker():
    opening = "Am Montag will der Finanzbürgermeister Hartmut Vorjahn eine Vorlage präsentieren. "
    vorjahn = entity_id("PER", "hartmut vorjahn")
    speakers = []
    for middle in ("Eine seiner Varianten ist die Schließung der Oper.", "Die Oper hat 300 Plätze."):
        body = f"{opening}{middle} Der Ausschuss werde am Freitag beraten."
        speakers += _quotes(body, [_mention(body, "Hartmut Vorjahn", vorjahn)])["speaker_entity_id"].fillna("").tolist()
    assert speakers == [vorjahn, ""]


def test_what_wonach_goes_back_to_is_the_phrase_before_it_whatever_it_hangs_on():
    body = ("Die Deutsche Welle stützt sich auf einen Artikel der bolivianischen Zeitung „Hoy Bolivia“, "
            "wonach der Präsident die Schuld trage.")
    assert _one(_quotes(body, []), "indirect")["speaker"] == "der bolivianischen Zeitung „Hoy Bolivia“"


def test_fragte_ob_hob_hervor_and_vertritt_die_ansicht_frame_indirect_speech_with_its_own_speaker():
    body = ("Die Vorsitzende des Rechtsausschusses, Renate Künast (Grüne), fragte, ob der Minister gelogen habe. "
            "Der Vorsitzende der Selbstverwaltung, Istvan Kovacs, hob hervor, der Schutz dürfe nicht leiden. "
            "Sein Verteidiger Bruce Cutler vertritt die Ansicht, dass der Fahrer gelogen habe.")
    names = ("Renate Künast", "Istvan Kovacs", "Bruce Cutler")
    found = _quotes(body, [_mention(body, name, entity_id("PER", name.lower())) for name in names])
    assert found[["kind", "cue"]].values.tolist() == [["indirect", "fragte"], ["indirect", "hob hervor"],
                                                      ["indirect", "vertritt"]]
    assert found["speaker_entity_id"].tolist() == [entity_id("PER", name.lower()) for name in names]


def test_a_source_after_nach_angaben_is_printed_whole_with_the_organisation_it_names():
    body = "Nach Angaben der Presseagenturen dpa und AFP umstellten Sicherheitskräfte das Lager."
    dpa = entity_id("ORG", "dpa")
    row = _one(_quotes(body, [_mention(body, "dpa", dpa, "ORG"), _mention(body, "AFP", entity_id("ORG", "afp"), "ORG")]),
               "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Angaben der Presseagenturen dpa und AFP", dpa)


def test_a_description_takes_the_entity_of_the_same_word_named_elsewhere_in_the_article():
    kreml = entity_id("ORG", "kreml")
    body = "Moskau und der Kreml schweigen seit Tagen. Am Abend erklärte der Kreml, man werde die Vorwürfe prüfen."
    row = _one(_quotes(body, [_mention(body, "Kreml", kreml, "ORG")]), "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("der Kreml", kreml)


def test_a_newspaper_is_printed_with_its_name_after_its_noun():
    body = "Die britische Tageszeitung „The Guardian“ berichtete, die Regierung habe den Plan gestoppt."
    assert _one(_quotes(body), "indirect")["speaker"] == "Die britische Tageszeitung „The Guardian“"


def test_runs_of_plural_nouns_titles_and_roles_are_no_names():
    body = "Bundestrainer Joachim Löw zählte acht Gelbe Karten. Klinikdirektor Prof. Dr. Matthias Beckmann lobte Internationale Medien."
    speakers = Speakers(body, [])
    assert [body[s:e] for s, e in speakers.names_by_rule(0, len(body))] == ["Joachim Löw", "Matthias Beckmann"]


def test_a_source_after_laut_ends_with_its_noun_phrase_and_names_its_organisation():
    rwe = entity_id("ORG", "rwe")
    body = "Laut einem Sprecher des Unternehmens RWE würde die Baustelle bis Montag ruhen."
    row = _one(_quotes(body, [_mention(body, "RWE", rwe, "ORG")]), "indirect")
    assert (row["quote"], row["speaker"], row["speaker_entity_id"]) == (
        "würde die Baustelle bis Montag ruhen", "einem Sprecher des Unternehmens RWE", rwe)


def test_a_surname_alone_after_a_role_is_the_person_the_article_names_in_full():
    schily = entity_id("PER", "otto schily")
    body = ("Otto Schily stellte den Entwurf vor. Nach der Kabinettssitzung sagte Bundesinnenminister Schily: "
            "„Der heutige Beschluss ist ein wichtiger Schritt.“")
    row = _one(_quotes(body, [_mention(body, "Otto Schily", schily)]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Schily", schily)


def test_a_plural_subject_without_an_article_is_printed_as_the_speaker():
    body = "Internationale Medien klagten darüber, dass sie an der Berichterstattung behindert würden."
    assert _one(_quotes(body), "indirect")["speaker"] == "Internationale Medien"


def test_reported_speech_goes_to_a_subject_named_after_the_last_quotation():
    vorjahn, scholz = entity_id("PER", "hartmut vorjahn"), entity_id("PER", "olaf scholz")
    body = ("Olaf Scholz sagte, die Stadt brauche Geld. Der Haushalt ist knapp. Am Montag will Finanzbürgermeister "
            "Hartmut Vorjahn eine Vorlage präsentieren. Die Stadt müsse dann am Freitag entscheiden.")
    found = _quotes(body, [_mention(body, "Olaf Scholz", scholz), _mention(body, "Hartmut Vorjahn", vorjahn)])
    assert _one(found, "free_indirect")["speaker_entity_id"] == vorjahn


def test_a_speech_verb_after_und_is_no_frame_of_the_quotation_before_it():
    gillard = entity_id("PER", "julia gillard")
    body = ("Ministerpräsidentin Julia Gillard bezeichnete das Unglück als „große Tragödie“ und erklärte, ihr Land "
            "helfe bei der Suche.")
    found = _quotes(body, [_mention(body, "Julia Gillard", gillard)])
    assert _one(found, "direct")["speaker_entity_id"] == gillard


def test_heisst_es_without_a_source_goes_to_the_subject_of_the_sentence_before():
    union = entity_id("ORG", "union")
    body = ("Die Union spricht sich gegen strengere Regeln aus. Als Begründung dafür heißt es, die Gesetze seien "
            "völlig ausreichend.")
    row = _one(_quotes(body, [_mention(body, "Union", union, "ORG")]), "indirect")
    assert row["speaker_entity_id"] == union


def test_a_name_after_a_tagged_genitive_and_a_role_is_the_speaker():
    body = "„Das lag hier nicht vor“, sagte Schalkes Trainer Felix Magath zur Sportschau."
    row = _one(_quotes(body, [_mention(body, "Schalkes", entity_id("ORG", "schalkes"), "ORG")]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Felix Magath", entity_id("PER", "felix magath"))


def test_before_a_participle_that_ends_the_clause_the_first_name_is_the_subject():
    un, eu = entity_id("ORG", "vereinten nationen"), entity_id("ORG", "europäische union")
    body = "Die Vereinten Nationen hatten die Europäische Union im Januar darum gebeten, sich an der Mission zu beteiligen."
    row = _one(_quotes(body, [_mention(body, "Vereinten Nationen", un, "ORG"),
                              _mention(body, "Europäische Union", eu, "ORG")]), "indirect")
    assert row["speaker_entity_id"] == un


def test_an_organisation_named_in_marks_after_its_article_is_the_speaker():
    body = ("Nach dem Putsch erklärte der neue „Oberste Rat zur Wiederherstellung der Demokratie“, die Lage sei "
            "unter Kontrolle.")
    assert _one(_quotes(body), "indirect")["speaker"] == "der neue „Oberste Rat zur Wiederherstellung der Demokratie“"


def test_a_plural_subject_opening_the_clause_before_an_auxiliary_is_the_speaker():
    body = "Konservative Politiker hatten schon früher kritisiert, dass der Bund Steuergelder einsetze."
    assert _one(_quotes(body), "indirect")["speaker"] == "Konservative Politiker"


def test_a_pronoun_skips_a_nearer_person_whose_role_says_the_other_gender():
    body = ("Außenministerin Annalena Baerbock traf in Kiew Präsident Wolodymyr Selenskyj. "
            "Sie sagte, die Hilfe gehe weiter.")
    found = _quotes(body, [_mention(body, "Annalena Baerbock", BAERBOCK),
                           _mention(body, "Wolodymyr Selenskyj", SELENSKYJ)])
    row = _one(found, "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Sie", BAERBOCK)


def test_a_first_name_the_tagger_cut_from_its_surname_is_printed_whole_but_no_plural_noun_is_added():
    gary, merkel = entity_id("PER", "gary"), entity_id("PER", "merkel")
    body = "So berichtete Gary Moore im Fernsehen, er warte im zwölften Stock."
    row = _one(_quotes(body, [_mention(body, "Gary", gary)]), "indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Gary Moore", gary)
    body = "„Es geht voran“, sagte Merkel Journalisten in Berlin."
    row = _one(_quotes(body, [_mention(body, "Merkel", merkel)]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Merkel", merkel)


def test_heisst_es_in_a_statement_names_the_statement_and_the_organisation_it_holds():
    body = "„Die Lage bleibt ernst“, heißt es in einer gemeinsamen Erklärung des Betriebsrates und der IG Metall."
    ig_metall = entity_id("ORG", "ig metall")
    row = _one(_quotes(body, [_mention(body, "IG Metall", ig_metall, "ORG")]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == (
        "einer gemeinsamen Erklärung des Betriebsrates und der IG Metall", ig_metall)


def test_a_person_right_after_a_genitive_article_is_not_the_subject_but_the_apposition_after_it_is():
    body = ("Der ältere Bruder des Papstes, Georg Ratzinger, war eingeweiht. "
            "Der Rücktritt sei ein natürlicher Vorgang.")
    georg = entity_id("PER", "georg ratzinger")
    found = _quotes(body, [_mention(body, "Papst", entity_id("PER", "papst")), _mention(body, "Georg Ratzinger", georg)])
    row = _one(found, "free_indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Georg Ratzinger", georg)


def test_a_direct_quotation_without_a_frame_is_the_free_name_not_the_organisation_in_a_genitive():
    body = ("Der Vorsitzende der Gewerkschaft ver.di, Frank Bsirske, würdigte Kluncker heute als "
            "„eine bedeutende Persönlichkeit und einen großen Gewerkschafter“.")
    bsirske = entity_id("PER", "frank bsirske")
    found = _quotes(body, [_mention(body, "ver.di", entity_id("ORG", "ver.di"), "ORG"),
                           _mention(body, "Frank Bsirske", bsirske), _mention(body, "Kluncker", entity_id("PER", "kluncker"))])
    assert _one(found, "direct")["speaker_entity_id"] == bsirske


def test_reported_speech_after_a_sentence_opened_by_a_role_goes_on_with_that_role():
    body = ("Der Bürgermeister von New Orleans forderte alle Bewohner zum Rückzug auf. "
            "Kämen sie dem nicht nach, so sei ihr Leben in Gefahr.")
    found = _quotes(body, [_mention(body, "New Orleans", entity_id("LOC", "new orleans"), "LOC")])
    assert _one(found, "free_indirect")["speaker"] == "Der Bürgermeister von New Orleans"


def test_a_role_with_a_name_between_commas_passes_the_name_to_the_speech_that_follows():
    body = ("Der Flugbetriebsleiter, Reinhard Kraxner, spekulierte über einen toten Winkel als Ursache. "
            "So sei die Sicht nach oben eingeschränkt.")
    row = _one(_quotes(body), "free_indirect")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Reinhard Kraxner", entity_id("PER", "reinhard kraxner"))


def test_a_person_right_after_the_genitive_article_of_a_role_is_not_the_speaker_before_the_role():
    body = "Frank Biermann, Vorsitzender der Deutschen Journalisten-Union, sagte, es sei unfassbar."
    biermann = entity_id("PER", "frank biermann")
    found = _quotes(body, [_mention(body, "Frank Biermann", biermann),
                           _mention(body, "Deutschen Journalisten-Union", entity_id("PER", "deutschen journalisten-union"))])
    assert _one(found, "indirect")["speaker_entity_id"] == biermann


def test_the_name_after_a_possessive_role_is_the_speaker_not_the_possessor():
    body = "„Die Regel ist doch eindeutig“, sagte Schalkes Trainer Felix Magath zur Sportschau."
    magath = entity_id("PER", "felix magath")
    found = _quotes(body, [_mention(body, "Schalkes", entity_id("PER", "schalkes")), _mention(body, "Felix Magath", magath)])
    row = _one(found, "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Felix Magath", magath)


def test_als_opening_a_sentence_makes_no_name_with_the_noun_after_it():
    body = "Als Antwort auf den Brief sagte ein Sprecher der Regierung: „Wir bleiben dabei.“"
    assert _one(_quotes(body), "direct")["speaker"] == "ein Sprecher der Regierung"


def test_a_quotation_standing_alone_is_said_by_the_name_of_the_next_sentence_that_points_back_to_it():
    body = "„Ja, es gibt Zumutungen“. Das musste Bundesfinanzminister Peer Steinbrück zu Beginn der Debatte eingestehen."
    steinbrueck = entity_id("PER", "peer steinbrück")
    row = _one(_quotes(body, [_mention(body, "Peer Steinbrück", steinbrueck)]), "direct")
    assert (row["speaker"], row["speaker_entity_id"]) == ("Peer Steinbrück", steinbrueck)


def test_a_description_keeps_its_whole_genitive_chain_and_fuer_complement():
    body = "Dies sei eine interne Angelegenheit, sagte ein Sprecher der Bundesagentur für Arbeit (BA) in Nürnberg."
    assert _one(_quotes(body), "indirect")["speaker"] == "ein Sprecher der Bundesagentur für Arbeit (BA)"
    body = "„Die Maximen der Aufklärung zählen“, heißt es auf der Webseite des Preises der Stadt Kassel."
    assert _one(_quotes(body, [_mention(body, "Kassel", entity_id("LOC", "kassel"), "LOC")]), "direct")["speaker"] == (
        "der Webseite des Preises der Stadt Kassel")


def test_words_in_marks_inside_a_sourced_sentence_are_the_sources_and_the_source_stops_at_the_marks():
    body = ("Maßnahmen wie Kennzeichenlesegeräte stellen nach Meinung des SPD-Politikers „einen stärkeren Eingriff "
            "in die Grundrechte dar“.")
    row = _one(_quotes(body, [_mention(body, "SPD", entity_id("ORG", "spd"), "ORG")]), "direct")
    assert row["speaker"] == "Meinung des SPD-Politikers"
