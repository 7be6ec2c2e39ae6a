"""The article text: trafilatura's paragraphs without the credits, captions and link blocks it keeps, plus the lead it drops."""
from __future__ import annotations

import re

from newsetl.transforms.html_extract.agency import CREDIT_LINE
from newsetl.transforms.html_extract.page import COMMENT_ANCESTOR, norm

_LEAD_XPATH = ('//body//*[contains(@class, "lead") or contains(@class, "intro") or contains(@class, "excerpt") '
               'or contains(@class, "abstract") or contains(@class, "standfirst") or contains(@class, "vorspann")]')
_LEAD_CLASS = re.compile(r"(?:^|[\s_-])(?:lead|intro|excerpt|abstract|standfirst|vorspann)(?:$|[\s_-])", re.I)
# Short lines that open a block of links to other articles, contacts or sources: cut them and what follows.
_RELATED_HEAD = re.compile(
    r"^(?:auch interessant|das könnte (?:sie|dich) auch interessieren|lesen sie (?:auch|mehr|hier)|"
    r"mehr (?:zum thema|dazu|aus)|weitere (?:informationen|infos|artikel|beiträge|links|nachrichten|themen|news)|"
    r"weiterführende|zum weiterlesen|schon gelesen|verwandte (?:artikel|themen)|ähnliche (?:artikel|beiträge)|"
    r"meist[- ]?(?:gelesen|diskutiert|kommentiert)|beiträge aus dem forum|vorschau auf den nächsten|"
    r"kontakt\b|ansprechpartner(?:in)?\b|quellen(?:angaben)?\b|zusatzinformationen|über diese reihe|top[- ]themen|"
    r"auch (?:auf|bei) |auch lesen)(?:[^.!?]|\.\w){0,60}[?:!]?$", re.I)
_BOILER_LINE = re.compile(
    r"^(?:(?:foto|fotos|bild|bilder|titelbild|quelle|grafik|video|symbolbild)\s*:|©|\(c\)|copyright\b|"
    r"(?:anzeige|werbung)\b|teilen\b.{0,30}$|sie sind (?:aktuell )?nicht eingeloggt|"
    r"(?:gefällt|unterstütze|jetzt)\b.{0,60}(?:abonnieren|unterstützen|newsletter|magazin|\w+mag)\b.{0,20}$)"
    r"|^.{0,120}\bnewsletter\b.{0,120}$", re.I)



def lead(tree) -> str | None:
    """The standfirst: lead/intro markup or the paragraph right after the h1 (trafilatura often drops it)."""
    for el in tree.xpath(_LEAD_XPATH + " | //h1/following-sibling::*[1][self::p]"):
        after_h1 = el.tag == "p" and getattr(el.getprevious(), "tag", None) == "h1"
        if not (after_h1 or _LEAD_CLASS.search(el.get("class") or "")):
            continue
        if el.xpath(COMMENT_ANCESTOR + " | ancestor::aside"):
            continue
        text = norm(" ".join(el.itertext()))
        if 60 <= len(text) <= 1200 and text[-1] in ".!?…\"“«»":
            return text
    return None



def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop credits, captions and link blocks that trafilatura keeps in the body."""
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        if _RELATED_HEAD.match(para) and i >= len(paragraphs) // 2:
            break  # the rest is a teaser list of other articles
        if _RELATED_HEAD.match(para) or _BOILER_LINE.match(para) or CREDIT_LINE.match(para):
            continue  # earlier on, only the heading itself is dropped: the article may go on
        kept.append(para)
    return kept
