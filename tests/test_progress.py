"""Progress: a bar in a terminal, plain greppable lines through a pipe, log lines under a worker."""
import io
import logging
import re

from rich.console import Console

from flows import progress
from flows.progress import BarReporter, PrintReporter, Reporter, current, for_terminal, reporting


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_piped_lines_come_at_most_every_few_seconds_and_at_the_last_batch(monkeypatch, capsys):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    reporter = PrintReporter()
    reporter.planned(new_files=30, batches=10)
    for _ in range(9):
        clock.now += 0.1
        reporter.batch_done(3)
    clock.now += progress.PLAIN_LINE_SECONDS
    reporter.batch_done(3)
    lines = capsys.readouterr().out.splitlines()
    assert [re.sub(r"^\d\d:\d\d:\d\d ", "", line).split(":")[0] for line in lines] == [
        "30 new files in 10 batches", "batch 1/10", "batch 10/10"]
    assert "batch 10/10: 30 documents" in lines[-1] and "about 0 s left" in lines[-1]


def test_without_a_reporter_installed_progress_goes_to_the_given_logger(caplog):
    logger = logging.getLogger("newsetl-test")
    with caplog.at_level(logging.INFO, logger="newsetl-test"):
        current(logger).hashing(5)
    assert caplog.messages == ["hashing 5 files"]


def test_a_reporter_is_current_only_inside_its_block():
    mine = Reporter()
    with reporting(mine):
        assert current() is mine
    assert current() is not mine


def test_the_bar_counts_batches_and_stops_with_its_block():
    screen = io.StringIO()
    bar = BarReporter(Console(file=screen, force_terminal=True, width=80))
    with reporting(bar):
        bar.hashing(6)
        bar.planned(new_files=6, batches=3)
        for _ in range(3):
            bar.batch_done(2)
    task = bar.progress.tasks[0]
    assert (task.completed, task.total) == (3, 3)
    assert not bar.progress.live.is_started
    assert "3/3" in screen.getvalue()


def test_a_pipe_or_verbose_gets_plain_lines():
    # pytest captures stdout: no terminal here.
    assert type(for_terminal(verbose=False)) is PrintReporter
    assert type(for_terminal(verbose=True)) is PrintReporter
