"""The Elasticsearch search backend (production), on the official `elasticsearch` client:
connection and credentials, index names and versions, retries, writing and searching.

Layout in the cluster (see es_mappings/README.md):
- one alias per kind, `{prefix}-posts`, `{prefix}-signals`, `{prefix}-audit`, which every read uses;
- behind it versioned, date-partitioned concrete indices `{prefix}-{kind}-v{N}-{yyyy.MM.dd}`
  (posts per day, signals and audit per month). The partition comes from the document's own
  date, so re-indexing a document by id always lands on the same index (idempotent upserts),
  and ILM can delete whole partitions by age (`index.lifecycle.parse_origination_date`).

What a search asks is in `es_queries`; errors in Dutch in `es_errors`; templates, ILM and the
versioned re-index in `es_admin`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from signals.config import EsAccess, get_settings
from signals.search.base import (
    DocKind,
    PostDoc,
    SearchBackend,
    SearchError,
    SearchResult,
    SignalDoc,
)
from signals.search.es_errors import translate, unreachable
from signals.search.es_queries import (
    SPECS,
    check_request,
    empty_result,
    parse_result,
    search_body,
)

log = logging.getLogger(__name__)

KINDS: tuple[DocKind, ...] = ("posts", "signals", "audit")
BULK_CHUNK = 500


@dataclass(slots=True)
class AuditDoc:
    """An audit event as mirrored into the index: who did what to which object, never content."""

    id: int
    at: datetime
    actor: str
    action: str
    summary: str = ""  # counts, ids and decisions only; no post text, no handles
    role: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    hash: str | None = None
    prev_hash: str | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _source(doc: PostDoc | SignalDoc | AuditDoc) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in asdict(doc).items()}


class ElasticsearchBackend(SearchBackend):
    """`SearchBackend` on Elasticsearch 8/9. Thread-safe as far as the client is."""

    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str = "signals",
        basic_auth: tuple[str, str] | None = None,
        api_key: str | None = None,
        ca_certs: str | None = None,
        verify_certs: bool = True,
        request_timeout: float = 10.0,
        refresh: bool | str = False,
        max_retries: int = 3,
        backoff_initial: float = 0.5,
        client: Elasticsearch | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if client is None and not url:
            raise ValueError("ElasticsearchBackend needs a url or a client")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,40}", prefix):
            raise ValueError(f"invalid index prefix {prefix!r}")
        self.url = url or "elasticsearch"
        self.prefix = prefix
        self.refresh = refresh
        self.max_retries = max_retries
        self.backoff_initial = backoff_initial
        self._sleep = sleep
        if client is None:
            kwargs: dict[str, Any] = {
                "request_timeout": request_timeout,
                # 429 is retried here with backoff; the transport would retry it at once.
                "retry_on_status": (502, 503, 504),
                "max_retries": 1,
                "retry_on_timeout": False,
            }
            if basic_auth:
                kwargs["basic_auth"] = basic_auth
            if api_key:
                kwargs["api_key"] = api_key
            if url and url.startswith("https"):
                kwargs["verify_certs"] = verify_certs
                if ca_certs:
                    kwargs["ca_certs"] = ca_certs
            client = Elasticsearch(url, **kwargs)
        self.client = client
        self._versions: dict[DocKind, int] = {}
        self._write_versions: dict[DocKind, int] = {}  # set while swap_reindex fills a version
        self._known_indices: set[str] = set()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ElasticsearchBackend:
        """Build from `SIGNALS_ES_URL` and the credentials described in `from_url`; `environ`
        stands in for the process environment (which `Settings` reads)."""
        url = get_settings().es_url if environ is None else environ.get("SIGNALS_ES_URL")
        if not url:
            raise ValueError("SIGNALS_ES_URL is not set")
        return cls.from_url(url, environ)

    @classmethod
    def from_url(cls, url: str, environ: Mapping[str, str] | None = None) -> ElasticsearchBackend:
        """Build for `url`; credentials from the environment: `SIGNALS_ES_USER` (default
        `elastic`) with `SIGNALS_ES_PASSWORD` or `ELASTIC_PASSWORD`, or `SIGNALS_ES_API_KEY`;
        `SIGNALS_ES_CA_CERTS` for a private CA, `SIGNALS_ES_PREFIX` for the index names
        (`signals.config.EsAccess`)."""
        access = get_settings().es_access if environ is None else EsAccess.from_mapping(environ)
        auth = (access.user, access.password) if access.password else None
        return cls(
            url,
            prefix=access.prefix,
            basic_auth=auth,
            api_key=access.api_key,
            ca_certs=access.ca_certs,
        )

    # ----------------------------------------------------------------- names and versions

    def alias(self, kind: DocKind) -> str:
        return f"{self.prefix}-{kind}"

    def index_name(self, kind: DocKind, version: int, day: date) -> str:
        if SPECS[kind].monthly:
            day = day.replace(day=1)
        return f"{self.prefix}-{kind}-v{version}-{day:%Y.%m.%d}"

    def current_version(self, kind: DocKind) -> int:
        """The version the alias points at (1 on an empty cluster), cached per process."""
        if kind not in self._versions:
            resp = self.call(self.client.indices.get_alias, allow_404=True, name=self.alias(kind))
            pattern = re.compile(rf"^{re.escape(self.prefix)}-{kind}-v(\d+)-")
            found = [int(m.group(1)) for name in (resp or {}) if (m := pattern.match(name))]
            self._versions[kind] = max(found, default=1)
        return self._versions[kind]

    def _write_version(self, kind: DocKind) -> int:
        return self._write_versions.get(kind) or self.current_version(kind)

    def _partition_day(self, kind: DocKind, source: Mapping[str, Any]) -> date:
        for name in SPECS[kind].date_fields:
            value = source.get(name)
            if value:
                parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
                if parsed.tzinfo is not None:
                    parsed = parsed.astimezone(UTC)
                return parsed.date()
        # No date on the document: today. A later re-index on another day would file it
        # elsewhere, so the indexer should always pass collected_at / first_seen.
        return datetime.now(UTC).date()

    def ensure_index(self, name: str, *, alias: str | None) -> None:
        if name in self._known_indices:
            return
        body: dict[str, Any] = {"aliases": {alias: {}}} if alias else {}
        try:
            self.client.indices.create(index=name, **body)
        except ApiError as exc:
            if exc.status_code != 400 or "resource_already_exists" not in str(exc):
                raise translate(exc) from exc
        except TransportError as exc:
            raise unreachable(self.url, exc) from exc
        self._known_indices.add(name)

    @contextmanager
    def writing_versions(self, versions: Mapping[DocKind, int]) -> Iterator[None]:
        """Write to `versions` (not yet behind the aliases) while the block runs."""
        self._write_versions.update(versions)
        try:
            yield
        finally:
            for kind in versions:
                self._write_versions.pop(kind, None)

    def aliases_moved(self, versions: Mapping[DocKind, int]) -> None:
        """The aliases now point at `versions`: read and write there from now on."""
        self._versions.update(versions)

    def forget_indices(self, names: Iterable[str]) -> None:
        """Dropped indices: create them again if a document is written there."""
        self._known_indices.difference_update(names)

    def _backoff(self, attempt: int) -> float:
        return self.backoff_initial * (2**attempt)

    def call(self, fn: Callable[..., Any], /, *, allow_404: bool = False, **kwargs: Any) -> Any:
        """One API call, 429 retried with exponential backoff, errors as `SearchError`."""
        for attempt in range(self.max_retries + 1):
            try:
                return fn(**kwargs)
            except ApiError as exc:
                if exc.status_code == 429 and attempt < self.max_retries:
                    self._sleep(self._backoff(attempt))
                    continue
                if exc.status_code == 404 and allow_404:
                    return None
                raise translate(exc) from exc
            except TransportError as exc:  # connection refused, timeout, TLS: the node is down
                raise unreachable(self.url, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    # ----------------------------------------------------------------- writing

    def index_posts(self, docs: Iterable[PostDoc]) -> int:
        return self._index("posts", (_source(d) for d in docs))

    def index_signals(self, docs: Iterable[SignalDoc]) -> int:
        return self._index("signals", (_source(d) for d in docs))

    def index_audit(self, docs: Iterable[AuditDoc]) -> int:
        return self._index("audit", (_source(d) for d in docs))

    def _index(self, kind: DocKind, sources: Iterable[dict[str, Any]]) -> int:
        written = 0
        chunk: list[dict[str, Any]] = []
        for source in sources:
            chunk.append(source)
            if len(chunk) >= BULK_CHUNK:
                written += self._bulk(kind, chunk)
                chunk = []
        if chunk:
            written += self._bulk(kind, chunk)
        return written

    def _bulk(self, kind: DocKind, sources: Sequence[dict[str, Any]]) -> int:
        version = self._write_version(kind)
        swapping = kind in self._write_versions
        pending: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for source in sources:
            name = self.index_name(kind, version, self._partition_day(kind, source))
            # While swap_reindex fills a new version the alias must not see it yet.
            self.ensure_index(name, alias=None if swapping else self.alias(kind))
            pending.append(({"index": {"_index": name, "_id": str(source["id"])}}, source))
        written = 0
        for attempt in range(self.max_retries + 1):
            operations = [part for pair in pending for part in pair]
            resp = self.call(self.client.bulk, operations=operations, refresh=self.refresh)
            retry: list[tuple[dict[str, Any], dict[str, Any]]] = []
            failures: list[str] = []
            for item, pair in zip(resp["items"], pending, strict=True):
                result = next(iter(item.values()))
                status = result.get("status", 500)
                if status < 300:
                    written += 1
                elif status == 429:
                    retry.append(pair)
                else:
                    reason = (result.get("error") or {}).get("reason", f"status {status}")
                    failures.append(f"{result.get('_id')}: {reason}")
            if failures:
                log.error("bulk %s failures: %s", kind, failures)
                raise SearchError(
                    f"De zoekindex weigerde {len(failures)} van {len(pending)} documenten "
                    f"({kind}); eerste fout: {failures[0]}"
                )
            if not retry:
                return written
            if attempt < self.max_retries:
                self._sleep(self._backoff(attempt))
            pending = retry
        raise SearchError(
            f"De zoekindex (Elasticsearch) is overbelast (429 Too Many Requests): "
            f"{len(pending)} documenten ({kind}) niet geïndexeerd; probeer het later opnieuw."
        )

    def update_signal(
        self, signal_id: int, changes: Mapping[str, Any], *, attempts: int = 3
    ) -> dict[str, Any]:
        """Read-modify-write one signal with optimistic concurrency: the write carries the
        `if_seq_no`/`if_primary_term` it read, so a concurrent change is never overwritten;
        on a conflict the change is re-applied to the fresh copy, up to `attempts` times."""
        unknown = set(changes) - set(SignalDoc.__dataclass_fields__)
        if unknown or "id" in changes:
            raise ValueError(f"cannot update fields {sorted(unknown | ({'id'} & set(changes)))}")
        for _ in range(attempts):
            resp = self.call(
                self.client.search,
                index=self.alias("signals"),
                query={"ids": {"values": [str(signal_id)]}},
                seq_no_primary_term=True,
                size=1,
            )
            hits = resp["hits"]["hits"]
            if not hits:
                raise SearchError(f"Signaal {signal_id} staat niet in de zoekindex.")
            hit = hits[0]
            source = {**hit["_source"], **{k: _jsonable(v) for k, v in changes.items()}}
            try:
                self.client.index(
                    index=hit["_index"],
                    id=str(signal_id),
                    document=source,
                    if_seq_no=hit["_seq_no"],
                    if_primary_term=hit["_primary_term"],
                    refresh=self.refresh,
                )
                return source
            except ApiError as exc:
                if exc.status_code == 409:
                    log.info("signal %s changed concurrently; re-reading", signal_id)
                    continue
                if exc.status_code == 429:
                    self._sleep(self._backoff(0))
                    continue
                raise translate(exc) from exc
            except TransportError as exc:
                raise unreachable(self.url, exc) from exc
        raise SearchError(
            f"Signaal {signal_id} wordt steeds tegelijk door een ander gewijzigd "
            f"(versieconflict na {attempts} pogingen); probeer het later opnieuw."
        )

    def delete(self, kind: DocKind, ids: Iterable[int]) -> int:
        """Delete by id from every version of the kind (a purge must not miss a swap's copy)."""
        values = [str(int(i)) for i in ids]
        if not values:
            return 0
        deleted = 0
        for start in range(0, len(values), BULK_CHUNK):
            resp = self.call(
                self.client.delete_by_query,
                index=f"{self.prefix}-{kind}-v*",
                query={"ids": {"values": values[start : start + BULK_CHUNK]}},
                refresh=True,
                conflicts="proceed",
                allow_no_indices=True,
                ignore_unavailable=True,
            )
            deleted += int(resp.get("deleted", 0))
        return deleted

    def clear(self) -> None:
        """Remove every post and signal of the version being written (audit is append-only)."""
        targets = ",".join(
            f"{self.prefix}-{k}-v{self._write_version(k)}-*" for k in ("posts", "signals")
        )
        self.call(
            self.client.delete_by_query,
            index=targets,
            query={"match_all": {}},
            refresh=True,
            conflicts="proceed",
            allow_no_indices=True,
            ignore_unavailable=True,
        )

    # ----------------------------------------------------------------- reading

    def _search(
        self, query: str, kind: DocKind, filters: dict[str, str] | None, limit: int, offset: int
    ) -> SearchResult:
        check_request(kind, limit, offset)
        body = search_body(query, kind=kind, filters=filters, limit=limit, offset=offset)
        resp = self.call(
            self.client.search,
            allow_404=True,
            index=self.alias(kind),
            ignore_unavailable=True,
            allow_no_indices=True,
            **body,
        )
        if resp is None:  # nothing indexed yet: the alias does not exist
            return empty_result(kind)
        return parse_result(kind, resp)

    def refresh_all(self) -> None:
        self.call(self.client.indices.refresh, index=f"{self.prefix}-*", allow_no_indices=True)
