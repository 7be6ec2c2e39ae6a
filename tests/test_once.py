import threading
import time

from newsetl.transforms.once import once


def test_threads_asking_together_load_once_and_share_the_result():
    calls = []

    @once
    def load():
        calls.append(1)
        time.sleep(0.2)  # long enough for the other threads to ask while it loads
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(load())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1
