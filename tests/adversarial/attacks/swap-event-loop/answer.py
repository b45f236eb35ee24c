# ruff: noqa
"""A wrong answer that swaps the event loop policy so async tests never run their body."""

import asyncio


class _Idle(asyncio.SelectorEventLoop):
    def run_until_complete(self, future):
        future = asyncio.ensure_future(future, loop=self)
        future.cancel()
        return None


class _Policy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return _Idle()


asyncio.set_event_loop_policy(_Policy())


def count_missing(rows):
    return 0


def is_complete(rows):
    return True
