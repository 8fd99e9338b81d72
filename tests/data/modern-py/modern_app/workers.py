"""threading with the snake_case API."""

import threading
import time


class Poller:
    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self.run, name="poller", daemon=True)

    def start(self) -> None:
        self.thread.daemon = True
        self.thread.name = "poller-1"
        self.thread.start()

    def run(self) -> None:
        while not self.stopped.is_set():
            with self.cond:
                self.cond.notify_all()
            time.sleep(0.01)

    def alive(self) -> bool:
        return self.thread.is_alive() and self.thread.daemon

    def describe(self) -> str:
        return f"{threading.current_thread().name} of {threading.active_count()}"
