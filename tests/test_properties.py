"""Any bytes or text the landing folder can hold: no exception escapes but UnreadableFile, offsets stay in the body."""
import gzip
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl.transforms.clean import clean_article
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.ingest import DecodedFile, UnreadableFile, decode
from newsetl.transforms.tag import tag_texts

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["a.txt", "a.HTML", "b.htm", "a.txt.gz", "a.html.gz", "a.csv", "README", ".txt"])
# Pieces of real pages, so the examples reach past the first checks into the rules.
FRAGMENTS = st.sampled_from([
    "\n", "\n\n", " ", "\r\n", "\t", "\u00a0", "Berlin (dpa) - ", "Tokio. ", "Von Anna Muster und Max Mann, dpa",
    "12.05.2023, 14:30 Uhr", "3. März 2021", "Foto: Imago", "Lesen Sie auch:", "Newsletter abonnieren",
    "Präsident Emmanuel Macron", "Außenminister Antony Blinken sagte in Seoul", "Nordkoreas Raketentests",
    "Die Regierung hat am Montag ein neues Gesetz beschlossen, das im Sommer in Kraft treten soll.",
    "<p>", "</p>", "<h1>", "</h1>", "<html><body>", "<article>", "<!DOCTYPE html>", "<script>x</script>",
    "<meta charset='latin-1'>", "&amp;", "(KNA)", "»", "„", "“", "ß", "🙂", "\x00", "\ud800",
])
TEXTS = st.one_of(st.text(max_size=400), st.lists(FRAGMENTS | st.text(max_size=20), max_size=60).map("".join))
BOMS = st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
BYTES = st.one_of(st.binary(max_size=600), TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")),
                  TEXTS.map(lambda t: t.encode("cp1252", "replace")), st.binary(max_size=300).map(gzip.compress),
                  st.tuples(BOMS, st.binary(max_size=300)).map(b"".join))


@QUICK
@given(raw=BYTES, name=NAMES)
def test_any_bytes_decode_to_text_or_say_why_not(raw, name):
    try:
        decoded = decode(raw, name)
    except UnreadableFile as exc:
        assert str(exc)
        return
    assert isinstance(decoded, DecodedFile) and decoded.text.strip() and "\r" not in decoded.text
    assert decoded.content_type in ("text", "html")


def _check_article(fields: dict) -> None:
    body = fields["body"]
    assert isinstance(body, str)
    assert fields["published_at"] is None or isinstance(fields["published_at"], datetime)
    assert fields["word_count"] >= 0 and isinstance(fields["authors"], list)
    for mentions in tag_texts([body]):
        assert all(0 <= m.start < m.end <= len(body) for m in mentions)


@QUICK
@given(text=TEXTS)
def test_any_text_cleans_to_an_article_whose_mentions_lie_inside_the_body(text):
    _check_article(clean_article(text, "text"))


@QUICK
@given(text=TEXTS)
def test_any_markup_cleans_to_an_article_whose_mentions_lie_inside_the_body(text):
    _check_article(clean_article(text, "html"))


@QUICK
@given(text=TEXTS)
def test_any_markup_extracts_without_an_error(text):
    fields = extract_html(text)
    assert isinstance(fields.body, str) and (fields.title is None or isinstance(fields.title, str))


def test_a_lone_surrogate_reaches_no_library():
    from newsetl.transforms import tag

    article = clean_article("Berlin (dpa) - " * 6 + "\ud800(KNA) Die Regierung hat am Montag beraten.", "text")
    tag.tag_texts([article["body"]])
    assert "\ud800" not in article["body"]
