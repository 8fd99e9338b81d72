"""asyncio with async/await, asyncio.run and TaskGroup (no @asyncio.coroutine, no loop=)."""

import asyncio
import inspect
import subprocess
from collections.abc import Awaitable, Callable


async def fetch(url: str, delay: float = 0.01) -> str:
    await asyncio.sleep(delay)
    return url.upper()


async def fetch_all(urls: list[str]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(url)) for url in urls]
    return [task.result() for task in tasks]


async def first_done(urls: list[str]) -> str:
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()


async def worker(queue: asyncio.Queue[str], results: list[str]) -> None:
    while True:
        item = await queue.get()
        results.append(item)
        queue.task_done()


async def run_queue(items: list[str]) -> list[str]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    lock = asyncio.Lock()
    results: list[str] = []
    async with lock:
        for item in items:
            queue.put_nowait(item)
    task = asyncio.create_task(worker(queue, results))
    await queue.join()
    task.cancel()
    return results


async def in_thread(func: Callable[[], str]) -> str:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, func)


async def legacy_loop_user() -> None:
    loop = asyncio.get_event_loop()  # inside a coroutine: a loop is running
    loop.call_soon(print, "ready")


async def shell(cmd: list[str]) -> bytes:
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    return out


def is_async(func: Callable[..., Awaitable[object]]) -> bool:
    return inspect.iscoroutinefunction(func)


def current() -> "asyncio.Task[object] | None":
    return asyncio.current_task()


def main() -> None:
    print(asyncio.run(fetch_all(["a", "b"])))
    with asyncio.Runner() as runner:
        runner.run(run_queue(["x", "y"]))
