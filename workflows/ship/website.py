"""The working clone of the website repository under ``<data_dir>/website/``, and git's failures in words.

Credentials reach git only through its environment for the one command that needs
them: a token as an HTTP header (``GIT_CONFIG_*``, never in a URL, argv or
``.git/config``), a deploy key through ``GIT_SSH_COMMAND``. Every git error that
leaves this module is a :class:`PublishError` with the credentials scrubbed out.
"""

from __future__ import annotations

import base64
import fcntl
import re
import shlex
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from git import GitCommandError, Repo
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from workflows.errors import PublishError
from workflows.settings import Environment
from workflows.ship.targets import PublishTarget

NETWORK_TIMEOUT = 120  # seconds a fetch, clone or push may take before it is killed

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()

_AUTH = ("authentication failed", "could not read username", "could not read password", "permission denied",
         "http 401", "http 403", "error: 403", "error: 401", "access denied", "invalid username or password",
         "host key verification failed")
_NETWORK = ("could not resolve host", "connection refused", "timed out", "network is unreachable",
            "connection reset", "failed to connect", "unable to access", "could not connect",
            "connection closed", "operation timed out")
_MISSING = ("does not appear to be a git repository", "repository not found", "not found", "no such file")
_MOVED = ("non-fast-forward", "fetch first", "updates were rejected because the remote contains", "[rejected]", "stale info", "cannot lock ref")
_REFUSED = ("[remote rejected]", "pre-receive hook declined", "hook declined", "protected branch",
            "insufficient permission", "read-only", "read only")


def display_url(url: str) -> str:
    """The repository as people may see it: no user, password or token."""
    return re.sub(r"://[^/@\s]+@", "://", url)


def auth_env(env: Environment) -> dict[str, str]:
    """Environment variables that give git its credentials (and keep it from ever prompting)."""
    out = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    if env.website_git_token is not None:
        basic = base64.b64encode(f"x-access-token:{env.website_git_token.get_secret_value()}".encode()).decode()
        out.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader",
                   GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}")
    if env.website_ssh_key is not None:
        out["GIT_SSH_COMMAND"] = (f"ssh -i {shlex.quote(str(env.website_ssh_key))} -o IdentitiesOnly=yes "
                                  "-o BatchMode=yes -o StrictHostKeyChecking=accept-new")
    else:
        out["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new"
    return out


def classify(stderr: str) -> str:
    """auth | network | missing | moved | refused | other, from git's stderr."""
    text = stderr.lower()
    for kind, needles in (("moved", _MOVED), ("refused", _REFUSED), ("auth", _AUTH), ("network", _NETWORK),
                          ("missing", _MISSING)):
        if any(n in text for n in needles):
            if kind == "moved" and "[remote rejected]" in text:
                continue
            return kind
    return "other"


class WebsiteClone:
    """One working clone, used by one thread of one process at a time (see :meth:`locked`)."""

    def __init__(self, workdir: Path, target: PublishTarget, env: Environment,
                 identity: tuple[str, str] = ("papercast", "papercast@localhost")) -> None:
        self.workdir = Path(workdir)
        self.identity = identity
        self.target = target
        self.env = env
        self._secret = env.website_git_token.get_secret_value() if env.website_git_token else None
        self.repo: Repo | None = None

    @property
    def origin_ref(self) -> str:
        return f"origin/{self.target.branch}"

    # --- locking ---------------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator["WebsiteClone"]:
        """Hold the clone against other threads (a lock) and other processes (flock on a file beside it)."""
        key = str(self.workdir.resolve())
        with _LOCKS_GUARD:
            lock = _LOCKS.setdefault(key, threading.Lock())
        self.workdir.parent.mkdir(parents=True, exist_ok=True)
        with lock, open(self.workdir.parent / f".{self.workdir.name}.lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield self.open()
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # --- git ----------------------------------------------------------------------------------------

    def open(self) -> "WebsiteClone":
        """Open the clone, cloning it first if it is missing or broken; point origin at the target."""
        if self.repo is not None:
            return self
        try:
            self.repo = Repo(self.workdir)
        except (InvalidGitRepositoryError, NoSuchPathError):
            if self.workdir.exists() and any(self.workdir.iterdir()):
                raise PublishError(
                    f"{self.workdir} exists but is not a git clone of the website.",
                    "Move it away; papercast clones the website there again.",
                ) from None
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.repo = Repo.init(self.workdir)
            self.repo.create_remote("origin", self.target.repo)
        origin = self.repo.remotes.origin
        if origin.url != self.target.repo:
            origin.set_url(self.target.repo)
        with self.repo.config_writer() as cw:
            cw.set_value("user", "name", self.identity[0])
            cw.set_value("user", "email", self.identity[1])
        return self

    def git(self, *args: str, network: bool = False, what: str = "", env: dict[str, str] | None = None,
            binary: bool = False):
        """Run one git command in the clone; a failure becomes a PublishError meant for the owner.

        ``env`` adds variables for this command only; ``binary`` returns stdout as bytes.
        """
        assert self.repo is not None
        full_env = auth_env(self.env) if network else {"GIT_TERMINAL_PROMPT": "0"}
        try:
            with self.repo.git.custom_environment(**full_env, **(env or {})):
                return self.repo.git.execute(["git", *args], kill_after_timeout=NETWORK_TIMEOUT if network else None,
                                             strip_newline_in_stdout=not binary, stdout_as_string=not binary)
        except GitCommandError as e:
            raise self.explain(e, what or f"git {args[0]}") from None

    def explain(self, e: GitCommandError, what: str) -> PublishError:
        stderr = self.scrub(str(e.stderr or ""))
        kind = classify(stderr + "\n" + self.scrub(str(e.stdout or "")))
        repo = display_url(self.target.repo)
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("hint:")]
        detail = " ".join(lines)[-400:]
        if kind == "auth":
            err = PublishError(f"Publishing failed: {what} could not authenticate to the website repository {repo} ({detail}).",
                               "Check that WEBSITE_GIT_TOKEN or WEBSITE_SSH_KEY is set and has write access, "
                               "run `papercast doctor`, then press Retry, or choose Publish manually.")
        elif kind == "network":
            err = PublishError(f"Publishing failed: {what} could not reach the website repository {repo} ({detail}).",
                               "Check the network and the repository address (publish.repo), then press Retry.")
            err.retryable = True
        elif kind == "missing":
            err = PublishError(f"Publishing failed: the website repository {repo} was not found ({detail}).",
                               "Check publish.repo in the show file and that the token or key can see it.")
        elif kind == "refused":
            err = PublishError(f"Publishing failed: the website repository {repo} refused the push ({detail}).",
                               "Check the branch protection or hooks for publish.branch, or choose Publish manually.")
        else:
            err = PublishError(f"Publishing failed: {what} failed in {repo} ({detail}).",
                               "Run `papercast doctor`; press Retry once it is fixed, or choose Publish manually.")
        err.git_kind = kind  # type: ignore[attr-defined]
        return err

    def scrub(self, text: str) -> str:
        if self._secret:
            text = text.replace(self._secret, "***")
        return re.sub(r"(Authorization:\s*\w+\s+)\S+", r"\1***", display_url(text), flags=re.I)

    def fetch(self) -> str | None:
        """Fetch the branch; the remote head's sha, or None when the branch does not exist yet."""
        branch = self.target.branch
        heads = self.git("ls-remote", "--heads", "origin", branch, network=True, what="reading the remote branch")
        line = next((ln for ln in heads.splitlines() if ln.endswith(f"refs/heads/{branch}")), None)
        if line is None:
            if self.rev(self.origin_ref):  # the branch was deleted on the remote: forget our copy of it
                self.git("update-ref", "-d", f"refs/remotes/{self.origin_ref}")
            return None
        self.git("fetch", "--no-tags", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
                 network=True, what="fetching the website")
        return line.split()[0]

    def rev(self, ref: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except PublishError:
            return None

    # --- papercast's own working copy ----------------------------------------------------------------

    def entry(self, ref: str, path: str) -> tuple[str, str] | None:
        """(type, object id) of what is at ``path`` in ``ref``'s tree ("blob", "tree", "commit"), or None."""
        out = self.git("ls-tree", "-z", "--full-tree", ref, "--", path)
        for record in out.split("\0"):
            meta, _, name = record.partition("\t")
            if name == path:
                _mode, kind, oid = meta.split()
                return kind, oid
        return None

    def read_blob(self, oid: str) -> bytes:
        return self.git("cat-file", "blob", oid, binary=True)

    def store_file(self, path: Path) -> str:
        """Write a file's bytes into the clone's object database, exactly (no filters); its blob id."""
        return self.git("hash-object", "-w", "--no-filters", "--", str(path), what="storing a file in the clone")

    def store_bytes(self, data: bytes) -> str:
        assert self.repo is not None
        tmp = Path(self.repo.git_dir) / "papercast-blob.tmp"
        tmp.write_bytes(data)
        try:
            return self.store_file(tmp)
        finally:
            tmp.unlink(missing_ok=True)

    def parents(self, commit: str) -> list[str]:
        return self.git("rev-list", "--parents", "-n", "1", commit).split()[1:]

    def commit_files(self, parent: str | None, blobs: dict[str, str], message: str) -> str:
        """A commit on top of ``parent`` whose tree is the parent's with ``blobs`` ({path: blob id}) written in.

        Built in a private index, so the working copy, the branch and anything a person
        staged are untouched; nothing but these paths can end up in the commit.
        """
        env = self._private_index("papercast-commit.index")
        self.git("read-tree", parent or "--empty", env=env)
        for path, oid in sorted(blobs.items()):
            self.git("update-index", "--add", "--cacheinfo", f"100644,{oid},{path}", env=env,
                     what=f"placing {path} in the commit")
        tree = self.git("write-tree", env=env)
        Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)
        name, email = self.identity
        who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        return self.git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, env=who,
                        what="committing the episode")

    def save_local_work(self, stamp: str, *, own: Callable[[str], bool]) -> str | None:
        """Save what a person left in the clone before it is reset; the ref it is saved under, or None.

        "Left" means commits on the local branch that are not on the remote (except those
        ``own`` says papercast made) and any change in the working copy: modified, staged,
        untracked or ignored files. They are saved as one commit, the working copy on top
        of the local HEAD (or that HEAD itself when nothing changed), under
        ``refs/papercast/preserved/<stamp>``, and never pushed.
        """
        head = self.rev("HEAD")
        remote = self.rev(self.origin_ref)
        local = self.git("rev-list", head, *(["--not", remote] if remote else [])).split() if head else []
        theirs = [c for c in local if not own(c)]
        changed = self.git("status", "--porcelain", "--untracked-files=all", "--ignored")
        if not theirs and not changed:
            return None
        commit = head
        if changed:
            env = self._private_index("papercast-save.index")
            self.git("read-tree", head or "--empty", env=env)
            self.git("add", "--all", "--force", "--", ".", env=env, what="saving the changes left in the clone")
            tree = self.git("write-tree", env=env)
            Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)
            message = (f"Saved by papercast before resetting its clone to {self.origin_ref}\n\n"
                       "The working copy as it was (changed, staged, untracked and ignored files), on top of "
                       "the local branch. Nothing here was published.\n")
            commit = self.git("commit-tree", tree, *(["-p", head] if head else []), "-m", message)
        if commit is None:  # nothing committed locally and nothing changed: handled above, kept for the type
            return None
        ref, n = f"refs/papercast/preserved/{stamp}", 1
        while self.rev(ref):
            n += 1
            ref = f"refs/papercast/preserved/{stamp}-{n}"
        self.git("update-ref", ref, commit)
        return ref

    def reset_to_remote(self, remote_head: str | None) -> None:
        """Put the branch, the index and the working copy exactly on the remote branch (empty if it has none)."""
        branch = self.target.branch
        if remote_head:
            self.git("checkout", "--force", "-B", branch, self.origin_ref, what="resetting the clone to the website")
            self.git("reset", "--hard", self.origin_ref, what="resetting the clone to the website")
        else:
            self.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")
            if self.rev(f"refs/heads/{branch}"):
                self.git("update-ref", "-d", f"refs/heads/{branch}")
            self.git("read-tree", "--empty")
        self.git("clean", "-fdx", what="removing untracked files from the clone")

    def _private_index(self, name: str) -> dict[str, str]:
        assert self.repo is not None
        index = Path(self.repo.git_dir) / name
        index.unlink(missing_ok=True)
        return {"GIT_INDEX_FILE": str(index)}
