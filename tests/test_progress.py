"""Progress: a bar in a terminal, plain greppable lines through a pipe, log lines under a worker."""
import io
import logging
import re

from rich.console import Console

from newsetl.flows import progress
from newsetl.flows.batch_progress import BatchProgress, teller
from newsetl.flows.progress import BarReporter, PrintReporter, Reporter, current, for_terminal, reporting
from newsetl.transforms import tag
from newsetl.transforms.counting import telling


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_piped_lines_count_documents_and_say_elapsed_before_time_left(monkeypatch, capsys):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    reporter = PrintReporter()
    reporter.starting(2000)
    reporter.planned(new_files=2000, batches=10)
    for _ in range(9):
        clock.now += 0.1
        reporter.batch_done(200)
    clock.now += progress.PLAIN_LINE_SECONDS
    reporter.batch_done(200)
    lines = [re.sub(r"^\d\d:\d\d:\d\d ", "", line) for line in capsys.readouterr().out.splitlines()]
    assert lines == ["starting: 2,000 files to look at", "2,000 new files in 10 batches",
                     "200/2,000 documents, 2000.0 documents/s, elapsed 0:00 · about 0:01 left",
                     "2,000/2,000 documents, 339.0 documents/s, elapsed 0:06 · about 0:00 left"]


def test_time_reads_as_a_clock_elapsed_first():
    assert progress.timing(59, 1) == "elapsed 0:59 · about 0:01 left"
    assert progress.timing(3723, None) == "elapsed 1:02:03"
    assert progress.clock(605) == "10:05"


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


def test_the_bar_counts_documents_and_stops_with_its_block(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    screen = io.StringIO()
    bar = BarReporter(Console(file=screen, force_terminal=True, width=100))
    with reporting(bar):
        bar.starting(600)
        bar.planned(new_files=600, batches=3)
        for _ in range(3):
            clock.now += 20
            bar.batch_done(200)
    task = bar.progress.tasks[0]
    assert (task.description, task.completed, task.total) == ("documents", 600, 600)
    assert not bar.progress.live.is_started
    text = screen.getvalue()
    assert "starting: 600 files to look at" in text and "600/600" in text and "about 0:00 left" in text


def test_a_pipe_or_verbose_gets_plain_lines():
    # pytest captures stdout: no terminal here.
    assert type(for_terminal(verbose=False)) is PrintReporter
    assert type(for_terminal(verbose=True)) is PrintReporter


def test_the_line_advances_as_documents_finish_within_a_running_batch(monkeypatch, capsys, tmp_path):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    reporter = PrintReporter()
    reporter.planned(new_files=20, batches=2)
    watch = BatchProgress(reporter, str(tmp_path))
    first, second = teller(str(tmp_path), "batch-00000"), teller(str(tmp_path), "batch-00001")
    first(3)
    second(4)
    clock.now += progress.PLAIN_LINE_SECONDS
    watch.poll()
    first(10)
    first(2)  # a batch that tags its documents again, one by one, does not go back
    clock.now += progress.PLAIN_LINE_SECONDS
    watch.poll()
    clock.now += 1
    watch.batch_done("batch-00000", 10)  # its file no longer counts: its result does
    clock.now += progress.PLAIN_LINE_SECONDS
    watch.batch_done("batch-00001", 10)
    lines = [re.sub(r"^\d\d:\d\d:\d\d ", "", line) for line in capsys.readouterr().out.splitlines()]
    assert [line.split(",")[0] for line in lines] == ["20 new files in 2 batches", "7/20 documents",
                                                     "14/20 documents", "20/20 documents"]


def test_a_batch_without_the_flow_s_folder_tells_nobody():
    assert teller(None, "batch-00000") is None
    assert teller("/nonexistent/newsetl-progress", "batch-00000") is None


def test_tagging_tells_how_many_texts_the_model_has_been_through():
    told = []
    texts = ["Angela Merkel sprach in Berlin.", "", "Der Bundestag tagte in Bonn. " * 900, "Olaf Scholz reiste nach Paris."]
    mentions = tag.tag_texts(texts, done=told.append)
    assert told == sorted(told) and told[-1] == len(texts) and len(told) >= 2
    assert mentions == tag.tag_texts(texts)  # telling changes nothing of what is found


def test_items_are_told_done_when_their_owner_s_last_piece_is_through():
    told = []
    assert list(telling("abcd", [0, 0, 2, 3], told.append)) == list("abcd")
    assert told == [1, 3, 4]
