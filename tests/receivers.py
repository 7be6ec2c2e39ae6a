"""Real receivers of alerts on 127.0.0.1 (an SMTP server, an HTTP endpoint for Apprise's json://) and
landing files whose verdicts are known, for the alert tests."""
from __future__ import annotations

import email
import json
import socket
import threading
import time
from datetime import datetime, timezone
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpReceiver:
    """Keeps the JSON bodies posted to it; url is its Apprise json:// URL."""

    def __init__(self, path: str = "hook"):
        self.messages: list[dict] = []
        received = self.messages

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_port}/{path}"

    def __enter__(self) -> HttpReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver:
    """A real SMTP server (aiosmtpd) that keeps the mails it accepts; url is its Apprise mailto:// URL."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        received = self.messages

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                received.append(email.message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.url = f"mailto://127.0.0.1:{self.port}?from=newsetl@example.org&to=ops@example.org"

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def texts(self) -> list[str]:
        """Each mail's subject and plain-text body."""
        return [f"{m['subject']}\n{m.get_body(('plain',)).get_content()}" for m in self.messages]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _today() -> str:
    today = datetime.now(timezone.utc)
    return f"{today.day}. {MONTHS[today.month - 1]} {today.year}"


def _article(kicker: str, title: str, byline: str, *paragraphs: str) -> str:
    return "\n\n".join([kicker, title, f"{_today()} | Von {byline}", *paragraphs]) + "\n"


def passing_article() -> str:
    """An article dated today with title, byline, outlet and entities, and no quotation: its run PASSes."""
    return _article(
        "Haushalt", "Bundestag berät in Berlin über den Haushalt für das kommende Jahr", "Anna Muster, Tagesspiegel",
        "Der Bundestag hat am Freitag in Berlin über den Haushalt der Bundesregierung für das kommende Jahr beraten. "
        "Bundesfinanzminister Lars Klingbeil verteidigte die geplanten Ausgaben für Verteidigung, Bildung und "
        "Infrastruktur vor den Abgeordneten im Plenarsaal.",
        "Die Opposition kritisierte die neue Verschuldung des Bundes scharf. Vertreter der Union und der Grünen "
        "forderten mehr Investitionen in die Bahn und in die Schulen der Länder. Die Debatte im Reichstagsgebäude "
        "dauerte bis in den späten Abend.",
        "Nach der ersten Lesung berät nun der Haushaltsausschuss über den Entwurf. Die Schlussabstimmung im Parlament "
        "ist für den Januar geplant. Auch der Bundesrat in Berlin muss sich danach mit dem Gesetz befassen.")


def second_passing_article() -> str:
    """Another story, also dated today and complete: a later run that loads it PASSes."""
    return _article(
        "Wetter", "Sturmtief zieht über Hamburg und die Nordseeküste", "Max Mann, Tagesspiegel",
        "Ein kräftiges Sturmtief hat am Wochenende in Hamburg und an der Nordseeküste für Behinderungen gesorgt. Der "
        "Deutsche Wetterdienst warnte vor Orkanböen auf den Inseln Sylt und Helgoland sowie vor einer Sturmflut an der Elbe.",
        "In Hamburg fielen zahlreiche Züge der Deutschen Bahn aus, am Flughafen wurden Flüge nach München und Frankfurt "
        "gestrichen. Die Feuerwehr rückte nach umgestürzten Bäumen mehrere hundert Mal aus.",
        "Für die kommenden Tage erwarten die Meteorologen ruhigeres Wetter. In Schleswig-Holstein und Niedersachsen "
        "sollen die Temperaturen wieder steigen, an der Ostsee bleibt es jedoch windig.")


# A file whose body contains MARKER is given a language the articles suite does not know (see
# misdetect_marked), which fails a critical expectation: the run's verdict is FAIL.
MARKER = "Kauderwelsch"


def failing_article() -> str:
    return passing_article().replace("Haushalt\n", "Finanzen\n", 1) + f"\n{MARKER}.\n"


def misdetect_marked(clean_module) -> None:
    """Make the language detector of newsetl.transforms.clean name an unknown language for marked bodies
    (a detector fault the gate must catch), as tests/test_report.py does."""
    detect = clean_module.detect_language
    clean_module.detect_language = lambda body: "xx" if MARKER in body else detect(body)
