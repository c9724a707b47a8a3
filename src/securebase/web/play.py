"""The app's side of a rehearsal: attempts replayed into environments, cached, one lock per attempt.

The web app drives ``rehearse.env.RehearsalEnv``: an attempt's environment is rebuilt from its seed
and saved responses whenever it is not in the cache (after a restart, or evicted), and gives the same
numbers as if it had never left memory.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from securebase.model.parameters import ModelParameters
from securebase.rehearse import policies, replay
from securebase.rehearse import scenario as library
from securebase.rehearse.env import RehearsalEnv
from securebase.rehearse.repertoire import index_of

CACHE_SIZE = 256
log = logging.getLogger(__name__)


#: the longest a request waits for a child's history that another thread is making (then it makes its own)
HISTORY_WAIT_SECONDS = 600.0


class Environments:
    """Live environments by attempt id (least recently used dropped first)."""

    def __init__(self, params: ModelParameters):
        self.params = params
        self._live: OrderedDict[str, RehearsalEnv] = OrderedDict()
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._expert: dict[tuple[str, int], list] = {}
        #: children (scenario, seed) whose history is made (``child.child_at_start`` keeps it), or being made
        self._ready: set[tuple[str, int]] = set()
        self._preparing: set[tuple[str, int]] = set()
        self._made = threading.Condition(self._lock)

    def ready(self, scenario: str, seed: int) -> bool:
        """Whether the child's first page can be made at once (its history made in this process)."""
        with self._lock:
            return (scenario, seed) in self._ready

    def wait_ready(self, scenario: str, seed: int, seconds: float) -> bool:
        """Wait up to ``seconds`` for the child's history (being made by :meth:`prepare`); whether it is ready."""
        with self._made:
            return self._made.wait_for(lambda: (scenario, seed) in self._ready, seconds)

    def prepare(self, scenario: str, seed: int, wait: bool = False) -> None:
        """Make the child's history in a background thread (``wait``: in this one), unless made or under way."""
        key = (scenario, seed)
        with self._lock:
            if key in self._ready or key in self._preparing:
                return
            self._preparing.add(key)
        if wait:
            self._make(key)
        else:
            threading.Thread(target=self._make, args=(key,), name=f"history-{scenario}-{seed}", daemon=True).start()

    def _make(self, key: tuple[str, int]) -> None:
        try:
            RehearsalEnv(library.get(key[0]), params=self.params).reset(seed=key[1])
        except Exception:  # the page makes it again in the request, where the error gets its page
            log.exception("the history of %s (seed %s) could not be made", *key)
        with self._made:
            self._preparing.discard(key)
            self._ready.add(key)
            self._made.notify_all()

    def live(self, attempt: str) -> bool:
        with self._lock:
            return attempt in self._live

    def lock_for(self, attempt: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(attempt, threading.Lock())

    def env_for(self, attempt: str, scenario: str, seed: int, responses: list[str]) -> RehearsalEnv:
        """The attempt's environment after ``responses`` (call with the attempt's lock held)."""
        with self._lock:
            env = self._live.get(attempt)
            if env is not None:
                self._live.move_to_end(attempt)
        played = [m["response"] for m in env.trace] if env is not None else None
        if env is not None and played == responses[: len(played)]:
            env.play([index_of(r) for r in responses[len(played) :]])  # the moments saved since: on from here
            return env
        if not self.ready(scenario, seed):
            # the child's history is made once, by one thread: here, or by the one already making it (a background
            # preparation at start), never by two at once (a debrief asked for while it was made failed with a 500)
            self.prepare(scenario, seed, wait=True)
            self.wait_ready(scenario, seed, HISTORY_WAIT_SECONDS)
        env = RehearsalEnv(library.get(scenario), params=self.params)
        env.reset(seed=seed)
        env.play([index_of(r) for r in responses])
        with self._lock:
            self._ready.add((scenario, seed))
            self._live[attempt] = env
            while len(self._live) > CACHE_SIZE:
                self._live.popitem(last=False)
        return env

    def expert(self, scenario: str, seed: int) -> list:
        key = (scenario, seed)
        with self._lock:
            found = self._expert.get(key)
        if found is None:
            found = replay.play_policy(library.get(scenario), seed, self.params, policies.expert)
            with self._lock:
                self._expert[key] = found
        return found
