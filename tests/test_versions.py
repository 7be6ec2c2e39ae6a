import re

from newsetl.transforms import versions


def test_every_stage_has_a_version_and_data_files_add_their_hash():
    installed = versions.stage_versions()
    assert set(installed) == set(versions.STAGES)
    assert re.fullmatch(r"\d+\+[0-9a-f]{8}", installed["tag"]) and re.fullmatch(r"\d+\+[0-9a-f]{8}", installed["themes"])
    assert installed["clean"] == versions.RULES["clean"]


def test_a_stage_brings_the_stages_that_read_its_output():
    assert versions.with_downstream(["tag"]) == ["tag", "quote"]
    assert versions.with_downstream(["clean"]) == list(versions.STAGES)
    assert versions.with_downstream(["themes", "quote"]) == ["themes", "quote"]


def test_stage_rows_record_each_document_and_stage():
    rows = versions.stage_rows(["a", "b"], "r1", ("tag", "quote"))
    assert list(zip(rows["doc_id"], rows["stage"])) == [("a", "tag"), ("a", "quote"), ("b", "tag"), ("b", "quote")]
    assert set(rows["run_id"]) == {"r1"}
