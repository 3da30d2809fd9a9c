"""libcurl on the event loop (coach.reminders.curl), with each of its pollers: epoll,
and the selectors module's default used where there is no epoll."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from coach.reminders.curl import Answer, CurlSession, TransferFailed
from tests.reminders.push_service import Answer as Scripted
from tests.reminders.push_service import PushService

POLLERS = pytest.mark.parametrize("epoll", [True, False], ids=["epoll", "selectors"])


@pytest.fixture
def service() -> Iterator[PushService]:
    push = PushService("", verify=False).start()
    try:
        yield push
    finally:
        push.stop()


def post_all(
    urls: list[str], *, epoll: bool, allow_private: bool = True, timeout: float = 10.0
) -> list[Answer | BaseException]:
    async def run() -> list[Answer | BaseException]:
        async with CurlSession(20, allow_private=allow_private, epoll=epoll) as session:
            posts = (session.post(url, b"body", ["Expect:"], timeout) for url in urls)
            return list(await asyncio.gather(*posts, return_exceptions=True))

    return asyncio.run(run())


@POLLERS
def test_many_requests_in_flight_each_get_their_own_answer(
    service: PushService, epoll: bool
) -> None:
    # Connections closed by the service after an answer are opened anew; a 429 keeps
    # its Retry-After; the rest share kept-alive connections, 20 at a time.
    closing = [Scripted(201, (("Connection", "close"),)) for _ in range(30)]
    service.answer("closing", *closing)
    service.answer("limited", Scripted(429, (("Retry-After", "7"),)))
    urls = [f"{service.origin}/push/d{i}" for i in range(300)]
    urls += [f"{service.origin}/push/closing"] * 30 + [f"{service.origin}/push/limited"]
    answers = post_all(urls, epoll=epoll)
    assert answers[:-1] == [Answer(201, None)] * 330
    assert answers[-1] == Answer(429, "7")
    assert sum(service.requests.values()) == 331
    assert service.requests["closing"] == 30


@POLLERS
def test_a_silent_service_times_out_and_an_internal_address_is_refused(
    service: PushService, epoll: bool
) -> None:
    service.answer("slow", Scripted(201, delay=2.0))
    [slow] = post_all([f"{service.origin}/push/slow"], epoll=epoll, timeout=0.3)
    assert isinstance(slow, TransferFailed) and slow.timed_out
    [inside] = post_all([f"{service.origin}/push/any"], epoll=epoll, allow_private=False)
    assert isinstance(inside, TransferFailed) and inside.refused
    assert service.requests["any"] == 0
