"""The news agency credited for the text and the dateline the text opens with ("Berlin (dpa) -")."""
from __future__ import annotations

import re

from newsetl.transforms.agencies import AGENCIES

AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
# "(dpa)", "(dpa/lno)", "(AFP/dpa)" directly after a place name at the start of the body.
DATELINE = re.compile(
    rf"^\s*([A-ZÄÖÜ][\w.\-'/ ]{{0,40}}?)\s*\(((?:{AGENCY_ALT})(?:\s*/\s*\w+)*)\)\s*[-–—:.]?\s*", re.I)
CREDIT = re.compile(rf"(?:^|[\s(\[/,;:|©])({AGENCY_ALT})(?=$|[\s)\]/,;.|])", re.I)
AGENCY_PAREN = re.compile(rf"\((?:{AGENCY_ALT})\b[^)]*\)", re.I)
CREDIT_LINE = re.compile(rf"^[\s(\[]*(?:(?:Quelle|Mit Material von|Text)\s*:?\s*)?"
                          rf"((?:{AGENCY_ALT})(?:\s*[/,]\s*(?:\w+|{AGENCY_ALT}))*)[\s)\].]*$", re.I)


def agency_of(text: str) -> str | None:
    m = CREDIT.search(text)
    return AGENCIES[m.group(1).lower()] if m else None


def dateline(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """The place and agency of a dateline opening one of the first paragraphs ("Berlin (dpa) - ...")."""
    for para in paragraphs[:3]:
        m = DATELINE.match(para)
        if m:
            return m.group(1).strip(), agency_of("(" + m.group(2) + ")")
    return None, None


def credit_line(paragraphs: list[str]) -> str | None:
    """The agency of a credit line ("dpa/lno", "Quelle: AFP"): they sit at the start or end of the raw extraction."""
    for para in paragraphs[:3] + paragraphs[-3:]:
        if CREDIT_LINE.match(para) or (len(para) < 80 and AGENCY_PAREN.search(para)):
            return agency_of(para)
    return None
