"""One registry shape for every kind of backend: writers, voices, websites, artifact stores.

A registry maps an id (what the show file writes, e.g. ``writer.backend = "claude"``)
to an **entry**, and an entry is always the same thing: a *factory*, a callable that
takes the kind's configuration and returns a ready backend. A class whose constructor
takes that configuration is a factory (the writers register their classes); so is a
``from_config`` classmethod or a small function. Each kind's module calls the entry:

=================  ==========================================  ====================================
kind               registry                                    the entry is called as
=================  ==========================================  ====================================
script writer      ``workflows.script.writers.writers``        ``entry(settings)``
speech backend     ``workflows.audio.speech.backends``         ``entry(show, env)``
artifact store     ``workflows.artifacts.stores``              ``entry(config, data_dir)``
website            ``workflows.ship.websites.websites``        ``entry(settings, local_site=None)``
=================  ==========================================  ====================================

Built-in backends register themselves when their module is imported; the registry
imports those modules the first time it is asked. Plugins and test doubles register
exactly the same way (the doubles live in :mod:`workflows.testing` and are never built in)::

    writers.register("mine", MyWriter)      # or @writers.register("mine") on the class
    writers.register("fake", lambda settings: fake)   # a test hands out its own instance
    writers.get("mine")                     # the entry, or the kind's UnknownBackend naming the ids there are
    writers.unregister("mine")

Each entry remembers where it was defined, so that another process (the render worker)
can register the same backends: :meth:`Registry.references` there, :meth:`Registry.adopt` here.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar, overload

from workflows.errors import ConfigError, PapercastError

T = TypeVar("T")
E = TypeVar("E")


class UnknownBackend(ConfigError):
    """A show file (or a command) names a backend id that nobody registered."""

    kind = "unknown_backend"


class Registry(Generic[T]):
    """Backends of one kind by id: register, unregister, ids, get (with a clear error)."""

    def __init__(self, kind: str, *, setting: str, built_ins: Iterable[str] = (),
                 error: type[PapercastError] = UnknownBackend) -> None:
        #: What the entries are, for messages ("script writer", "speech backend", "website").
        self.kind = kind
        #: Where a person chooses one, for messages ("[writer] backend").
        self.setting = setting
        self._built_ins = tuple(built_ins)
        #: The error for an id nobody registered (the kind's own, so callers and tests can tell kinds apart).
        self._error = error
        self._entries: dict[str, T] = {}
        self._modules: dict[str, str] = {}
        self._qualnames: dict[str, str] = {}
        self._lock = threading.RLock()
        self._loaded = False
        self._loading = False

    @overload
    def register(self, backend_id: str) -> Callable[[E], E]: ...
    @overload
    def register(self, backend_id: str, entry: T) -> T: ...

    def register(self, backend_id: str, entry: Any = None) -> Any:
        """Make ``entry`` available as ``backend_id``; without ``entry``, a decorator. A later one replaces it."""
        if not backend_id:
            raise ValueError(f"a {self.kind} needs a non-empty id")
        if entry is None:
            return lambda e: self.register(backend_id, e)
        with self._lock:
            self._entries[backend_id] = entry
            self._modules[backend_id], self._qualnames[backend_id] = _where(entry)
        return entry

    def unregister(self, backend_id: str) -> None:
        """Forget ``backend_id``; forgetting one that is not there does nothing."""
        with self._lock:
            self._entries.pop(backend_id, None)
            self._modules.pop(backend_id, None)
            self._qualnames.pop(backend_id, None)

    def ids(self) -> list[str]:
        """Every registered id, sorted."""
        self._load()
        with self._lock:
            return sorted(self._entries)

    def __contains__(self, backend_id: object) -> bool:
        self._load()
        with self._lock:
            return backend_id in self._entries

    def get(self, backend_id: str) -> T:
        """What is registered as ``backend_id``, or :class:`UnknownBackend` naming the ids there are."""
        self._load()
        with self._lock:
            entry = self._entries.get(backend_id)
            known = sorted(self._entries)
        if entry is None:
            ids = ", ".join(known) or "none"
            raise self._error(f"No {self.kind} is called {backend_id!r}; the available ones are {ids}.",
                              f"Set {self.setting} to one of {ids} in the show file.")
        return entry

    def modules(self, backend_ids: Iterable[str] | None = None) -> list[str]:
        """Modules that registered these ids (default: all), so another process can import them."""
        self._load()
        with self._lock:
            ids = list(self._modules) if backend_ids is None else [i for i in backend_ids if i in self._modules]
            return sorted({self._modules[i] for i in ids if self._modules[i] not in ("", "__main__")})

    def references(self, backend_ids: Iterable[str]) -> dict[str, str]:
        """``{id: "module:qualname"}`` for these registered ids, to hand to :meth:`adopt` in another process."""
        self._load()
        with self._lock:
            return {i: f"{self._modules[i]}:{self._qualnames[i]}" for i in backend_ids
                    if self._modules.get(i, "") not in ("", "__main__")}

    def adopt(self, references: Mapping[str, str]) -> None:
        """Register here what :meth:`references` described in another process.

        Each module is imported (a module that registers its backends on import is then
        enough); an id still missing, or registered here as something else (a plugin that
        replaced a built-in after import, a warm worker's stale entry), is registered with
        the object its qualified name names (a class or a module-level function; a lambda
        cannot be found this way).
        """
        for backend_id, reference in references.items():
            module_name, _, qualname = reference.partition(":")
            found: Any = importlib.import_module(module_name)
            if not qualname or "<" in qualname or self.references([backend_id]).get(backend_id) == reference:
                continue
            for part in qualname.split("."):
                found = getattr(found, part)
            self.register(backend_id, found)

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:  # loading: a built-in asked while it registers itself
                return
            self._loading = True
            try:
                for module in self._built_ins:
                    importlib.import_module(module)
                self._loaded = True  # only once all imported: a failed import is tried (and reported) again
            finally:
                self._loading = False


def _where(entry: object) -> tuple[str, str]:
    """(module, qualified name) of an entry; a bound classmethod counts as its class's, not its base's."""
    owner = getattr(entry, "__self__", None)
    if isinstance(owner, type):
        return owner.__module__, f"{owner.__qualname__}.{getattr(entry, '__name__', '')}"
    return getattr(entry, "__module__", "") or "", getattr(entry, "__qualname__", "") or ""
