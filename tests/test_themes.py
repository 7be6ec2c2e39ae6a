from newsetl.transforms.themes import score_themes, taxonomy


def test_inflected_and_compound_forms_count():
    themes = score_themes("Nordkorea feuerte Raketen ab. Der Raketentest folgte auf einen Atomtest.")
    assert "missiles_and_nuclear" in themes
    assert 0 < themes["missiles_and_nuclear"] <= 1


def test_unrelated_text_gets_no_military_theme():
    assert "military" not in score_themes("Das Wetter wird am Wochenende sonnig und warm, sagen die Meteorologen.")


def test_taxonomy_is_documented():
    assert len(taxonomy()) >= 20
    assert all(spec["description"] and spec["stems"] for spec in taxonomy().values())
