"""A news page to extract from: head tags, navigation, an article with headline and paragraphs, a footer."""
from __future__ import annotations

PARAGRAPHS = [
    "Die Bundesregierung hat am Mittwoch den Haushalt für das kommende Jahr beschlossen. "
    "Nach langen Verhandlungen einigten sich die Koalitionspartner auf zentrale Eckpunkte.",
    "Finanzminister und Fachpolitiker hatten bis in die Nacht über die Verteilung der Mittel "
    "gestritten. Vor allem die Ausgaben für Verkehr und Bildung waren lange umstritten.",
    "Opposition und Verbände kritisierten den Entwurf scharf. Er enthalte zu wenige Investitionen "
    "in die Zukunft und verschiebe notwendige Entscheidungen auf spätere Jahre.",
    "Der Bundestag soll den Haushalt im Dezember in zweiter und dritter Lesung verabschieden. "
    "Bis dahin können die Abgeordneten noch Änderungen an dem Entwurf vornehmen.",
]


def page(head: str = "", before: str = "", after: str = "", h1: str = "Regierung beschließt Haushalt",
         paragraphs: list[str] = PARAGRAPHS) -> str:
    """A news page: head tags, navigation, an article with headline and paragraphs, a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{head}</head><body>"
            "<nav><ul><li><a href='/'>Startseite</a></li><li><a href='/politik'>Politik</a></li></ul></nav>"
            f"<main><article><h1>{h1}</h1>{before}{body}{after}</article></main>"
            "<footer><p>Impressum</p><p>Datenschutz</p></footer></body></html>")
