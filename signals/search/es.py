"""Elasticsearch search backend (production), written with the official `elasticsearch` client.

Layout in the cluster (see es_mappings/README.md):
- one alias per kind, `{prefix}-posts`, `{prefix}-signals`, `{prefix}-audit`, which every read uses;
- behind it versioned, date-partitioned concrete indices `{prefix}-{kind}-v{N}-{yyyy.MM.dd}`
  (posts per day, signals and audit per month). The partition comes from the document's own
  date, so re-indexing a document by id always lands on the same index (idempotent upserts),
  and ILM can delete whole partitions by age (`index.lifecycle.parse_origination_date`).
- `swap_reindex` fills version N+1 while version N keeps serving, then moves the alias in one
  atomic `_aliases` call and drops version N.

User queries only ever reach `simple_query_string`, which has no syntax errors and cannot
address fields, so nothing typed in the search box can break or widen a search.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from elasticsearch import ApiError, Elasticsearch, TransportError

from signals.search.base import DocKind, Hit, PostDoc, SearchError, SearchResult, SignalDoc

log = logging.getLogger(__name__)

KINDS: tuple[DocKind, ...] = ("posts", "signals", "audit")
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
BULK_CHUNK = 500


@dataclass(slots=True)
class AuditDoc:
    """An audit event as mirrored into the index: who did what to which object, never content."""

    id: int
    at: datetime
    actor: str
    action: str
    role: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    summary: str = ""  # counts, ids and decisions only; no post text, no handles
    hash: str | None = None
    prev_hash: str | None = None


@dataclass(frozen=True, slots=True)
class _KindSpec:
    date_fields: tuple[str, ...]  # first non-empty one picks the partition
    monthly: bool
    text_fields: tuple[str, ...]
    facets: tuple[str, ...]
    filters: frozenset[str]


SPECS: dict[DocKind, _KindSpec] = {
    "posts": _KindSpec(
        # Not published_at: an old post collected today must not land in an old partition
        # that ILM is about to drop. The retention clock starts at collection.
        date_fields=("collected_at",),
        monthly=False,
        text_fields=("title^2", "text"),
        facets=("source_id", "labels", "district", "in_almere"),
        filters=frozenset({"source_id", "labels", "district", "in_almere"}),
    ),
    "signals": _KindSpec(
        date_fields=("first_seen", "event_time"),
        monthly=True,
        text_fields=("title^2", "text"),
        facets=("types", "status", "district", "notification"),
        filters=frozenset({"types", "status", "district", "notification", "place"}),
    ),
    "audit": _KindSpec(
        date_fields=("at",),
        monthly=True,
        text_fields=("summary",),
        facets=("action", "object_type", "role"),
        filters=frozenset({"action", "actor", "role", "object_type", "object_id"}),
    ),
}
_BOOL_FIELDS = frozenset({"in_almere"})

# Retention (days) behind the ILM delete phases. ILM works per index, so these are the outer
# bounds; per-document rules (dismissed signals 28 days, monitoring 90 days after the last
# activity) are applied by `signals purge`, which deletes by id.
DEFAULT_RETENTION_DAYS: dict[DocKind, int] = {"posts": 7, "signals": 365, "audit": 730}
MIN_AUDIT_DAYS = 183  # AI Act art. 26(6): automatically generated logs at least six months
_MONTH_SLACK_DAYS = 31  # a monthly partition holds documents up to a month younger than its name


def mappings_dir() -> Path:
    """`es_mappings/`: `SIGNALS_ES_MAPPINGS_DIR` (the image sets it), else the source tree."""
    configured = os.environ.get("SIGNALS_ES_MAPPINGS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "es_mappings"


def load_mapping_file(name: str, directory: Path | None = None) -> dict[str, Any]:
    return json.loads(((directory or mappings_dir()) / name).read_text(encoding="utf-8"))


def _redacted(url: str) -> str:
    # Never echo credentials from a URL into a message a user or a log may see.
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _source(doc: PostDoc | SignalDoc | AuditDoc) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in asdict(doc).items()}


class ElasticsearchBackend:
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
        """Build from `SIGNALS_ES_URL` and the credentials described in `from_url`."""
        env = os.environ if environ is None else environ
        url = env.get("SIGNALS_ES_URL")
        if not url:
            raise ValueError("SIGNALS_ES_URL is not set")
        return cls.from_url(url, env)

    @classmethod
    def from_url(cls, url: str, environ: Mapping[str, str] | None = None) -> ElasticsearchBackend:
        """Build for `url`; credentials from the environment: `SIGNALS_ES_USER` (default
        `elastic`) with `SIGNALS_ES_PASSWORD` or `ELASTIC_PASSWORD`, or `SIGNALS_ES_API_KEY`;
        `SIGNALS_ES_CA_CERTS` for a private CA, `SIGNALS_ES_PREFIX` for the index names."""
        env = os.environ if environ is None else environ
        password = env.get("SIGNALS_ES_PASSWORD") or env.get("ELASTIC_PASSWORD")
        auth = (env.get("SIGNALS_ES_USER") or "elastic", password) if password else None
        return cls(
            url,
            prefix=env.get("SIGNALS_ES_PREFIX") or "signals",
            basic_auth=auth,
            api_key=env.get("SIGNALS_ES_API_KEY") or None,
            ca_certs=env.get("SIGNALS_ES_CA_CERTS") or None,
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
            resp = self._call(self.client.indices.get_alias, allow_404=True, name=self.alias(kind))
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

    def _ensure_index(self, name: str, *, alias: str | None) -> None:
        if name in self._known_indices:
            return
        body: dict[str, Any] = {"aliases": {alias: {}}} if alias else {}
        try:
            self.client.indices.create(index=name, **body)
        except ApiError as exc:
            if exc.status_code != 400 or "resource_already_exists" not in str(exc):
                raise self._translate(exc) from exc
        except TransportError as exc:
            raise self._unreachable(exc) from exc
        self._known_indices.add(name)

    # ----------------------------------------------------------------- error handling

    def _unreachable(self, exc: Exception) -> SearchError:
        log.warning("elasticsearch unreachable at %s: %s", _redacted(self.url), exc)
        return SearchError(
            f"De zoekindex (Elasticsearch op {_redacted(self.url)}) is niet bereikbaar; "
            "probeer het later opnieuw of meld het aan de beheerder."
        )

    def _translate(self, exc: ApiError) -> SearchError:
        status = exc.status_code
        log.warning("elasticsearch error %s: %s", status, exc)
        if status == 409:
            return SearchError(
                "Het document is intussen door een ander gewijzigd (versieconflict); "
                "laad het opnieuw en probeer het nog eens."
            )
        if status == 429:
            return SearchError(
                "De zoekindex (Elasticsearch) is overbelast (429 Too Many Requests); "
                "probeer het over een minuut opnieuw."
            )
        if status in (401, 403):
            return SearchError(
                "De applicatie mag niet bij de zoekindex (Elasticsearch weigert de inloggegevens)."
            )
        if status == 400:
            return SearchError(f"De zoekindex weigerde het verzoek: {exc.message}")
        return SearchError(f"Fout van de zoekindex (Elasticsearch, status {status}).")

    def _backoff(self, attempt: int) -> float:
        return self.backoff_initial * (2**attempt)

    def _call(self, fn: Callable[..., Any], /, *, allow_404: bool = False, **kwargs: Any) -> Any:
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
                raise self._translate(exc) from exc
            except TransportError as exc:  # connection refused, timeout, TLS: the node is down
                raise self._unreachable(exc) from exc
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
            self._ensure_index(name, alias=None if swapping else self.alias(kind))
            pending.append(({"index": {"_index": name, "_id": str(source["id"])}}, source))
        written = 0
        for attempt in range(self.max_retries + 1):
            operations = [part for pair in pending for part in pair]
            resp = self._call(self.client.bulk, operations=operations, refresh=self.refresh)
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
            resp = self._call(
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
                raise self._translate(exc) from exc
            except TransportError as exc:
                raise self._unreachable(exc) from exc
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
            resp = self._call(
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
        self._call(
            self.client.delete_by_query,
            index=targets,
            query={"match_all": {}},
            refresh=True,
            conflicts="proceed",
            allow_no_indices=True,
            ignore_unavailable=True,
        )

    # ----------------------------------------------------------------- reading

    def search(
        self,
        query: str,
        *,
        kind: DocKind = "signals",
        filters: dict[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> SearchResult:
        if kind not in SPECS:
            raise SearchError(f"Onbekende soort zoekresultaat: {kind!r}.")
        if limit < 0 or offset < 0 or offset + limit > MAX_RESULT_WINDOW:
            raise SearchError(
                f"Ongeldige paginering (limit={limit}, offset={offset}); "
                f"maximaal {MAX_RESULT_WINDOW} resultaten per zoekvraag."
            )
        body = self.search_body(query, kind=kind, filters=filters, limit=limit, offset=offset)
        resp = self._call(
            self.client.search,
            allow_404=True,
            index=self.alias(kind),
            ignore_unavailable=True,
            allow_no_indices=True,
            **body,
        )
        if resp is None:  # nothing indexed yet: the alias does not exist
            return SearchResult(hits=[], total=0, facets={f: {} for f in SPECS[kind].facets})
        hits = [self._hit(kind, h) for h in resp["hits"]["hits"]]
        total = resp["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else int(total)
        facets: dict[str, dict[str, int]] = {}
        for name, agg in (resp.get("aggregations") or {}).items():
            facets[name] = {
                str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in agg["buckets"]
            }
        return SearchResult(hits=hits, total=total, facets=facets)

    def search_body(
        self,
        query: str,
        *,
        kind: DocKind = "signals",
        filters: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> dict[str, Any]:
        """The request body (as client keyword arguments) for a user's query."""
        spec = SPECS[kind]
        text = (query or "").strip()
        must: dict[str, Any]
        if text:
            must = {
                "simple_query_string": {
                    "query": text[:1000],
                    "fields": list(spec.text_fields),
                    "default_operator": "and",
                    "lenient": True,
                    # No FUZZY/SLOP/NEAR: keep the syntax to what an analyst expects.
                    "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
                }
            }
        else:
            must = {"match_all": {}}
        term_filters = []
        for name, value in (filters or {}).items():
            if name not in spec.filters:
                raise SearchError(
                    f"Onbekend filter {name!r}; mogelijk zijn: {', '.join(sorted(spec.filters))}."
                )
            if name in _BOOL_FIELDS:
                lowered = str(value).lower()
                if lowered not in ("true", "false"):
                    raise SearchError(f"Filter {name!r} verwacht 'true' of 'false'.")
                term_filters.append({"term": {name: lowered == "true"}})
            else:
                term_filters.append({"term": {name: str(value)}})
        text_names = [f.split("^", 1)[0] for f in spec.text_fields]
        return {
            "query": {"bool": {"must": [must], "filter": term_filters}},
            "highlight": {
                # encoder=html escapes the text around the tags: the snippet carries only <mark>.
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fields": {
                    name: {"fragment_size": 160, "number_of_fragments": 2} for name in text_names
                },
            },
            "aggs": {f: {"terms": {"field": f, "size": 50}} for f in spec.facets},
            "size": limit,
            "from_": offset,
            "track_total_hits": True,
            "source_includes": text_names,
        }

    def _hit(self, kind: DocKind, raw: Mapping[str, Any]) -> Hit:
        names = [f.split("^", 1)[0] for f in SPECS[kind].text_fields]
        fragments = raw.get("highlight") or {}
        parts = [frag for name in reversed(names) for frag in fragments.get(name, [])]
        if parts:
            snippet = " … ".join(parts[:2])
        else:
            source = raw.get("_source") or {}
            plain = next((str(source[n]) for n in reversed(names) if source.get(n)), "")
            snippet = html.escape(plain[:200])
        return Hit(
            id=int(raw["_id"]), kind=kind, score=float(raw.get("_score") or 0.0), highlight=snippet
        )

    def refresh_all(self) -> None:
        self._call(self.client.indices.refresh, index=f"{self.prefix}-*", allow_no_indices=True)


# --------------------------------------------------------------------- setup and reindex


@dataclass(slots=True)
class SetupReport:
    component_templates: list[str] = field(default_factory=list)
    policies: dict[str, int] = field(default_factory=dict)  # name -> delete after (days)
    index_templates: list[str] = field(default_factory=list)
    indices: list[str] = field(default_factory=list)


def ilm_delete_days(retention_days: Mapping[str, int] | None = None) -> dict[DocKind, int]:
    """Days after a partition's date at which ILM deletes it, per kind."""
    days = {**DEFAULT_RETENTION_DAYS, **(retention_days or {})}
    if days["audit"] < MIN_AUDIT_DAYS:
        raise ValueError(f"audit retention must be at least {MIN_AUDIT_DAYS} days")
    return {
        # Posts are minimised: daily partitions, gone by the limit (a maximum).
        "posts": days["posts"],
        # Monthly partitions: add a month so that no document goes before its limit.
        "signals": days["signals"] + _MONTH_SLACK_DAYS,
        "audit": days["audit"] + _MONTH_SLACK_DAYS,
    }


def setup(
    backend: ElasticsearchBackend,
    *,
    retention_days: Mapping[str, int] | None = None,
    directory: Path | None = None,
) -> SetupReport:
    """Apply the component template, ILM policies and index templates from es_mappings/,
    and create today's partition of each kind behind its alias. Idempotent (PUTs)."""
    report = SetupReport()
    prefix = backend.prefix
    component = f"{prefix}-dutch-analysis"
    body = load_mapping_file("dutch-analysis.component.json", directory)
    backend._call(backend.client.cluster.put_component_template, name=component, **body)
    report.component_templates.append(component)
    delete_days = ilm_delete_days(retention_days)
    for kind in KINDS:
        policy = load_mapping_file(f"ilm/{kind}.json", directory)["policy"]
        policy["phases"]["delete"]["min_age"] = f"{delete_days[kind]}d"
        backend._call(backend.client.ilm.put_lifecycle, name=f"{prefix}-{kind}", policy=policy)
        report.policies[f"{prefix}-{kind}"] = delete_days[kind]
    for kind in KINDS:
        template = load_mapping_file(f"{kind}.template.json", directory)
        template["index_patterns"] = [f"{prefix}-{kind}-v*"]
        template["composed_of"] = [component]
        template["template"]["settings"]["index.lifecycle.name"] = f"{prefix}-{kind}"
        backend._call(
            backend.client.indices.put_index_template, name=f"{prefix}-{kind}", **template
        )
        report.index_templates.append(f"{prefix}-{kind}")
    today = datetime.now(UTC).date()
    for kind in KINDS:
        name = backend.index_name(kind, backend.current_version(kind), today)
        backend._ensure_index(name, alias=backend.alias(kind))
        report.indices.append(name)
    return report


@dataclass(slots=True)
class ReindexReport:
    kinds: list[str]
    old_version: dict[str, int]
    new_version: dict[str, int]
    written: int
    dropped_indices: list[str]


def swap_reindex(
    backend: ElasticsearchBackend,
    fill: Callable[[ElasticsearchBackend], int],
    *,
    kinds: Sequence[DocKind] = ("posts", "signals"),
    drop_old: bool = True,
) -> ReindexReport:
    """Build version N+1 of `kinds` with `fill(backend)` (which writes every document through
    the backend, e.g. `signals.indexing.reindex`) while version N keeps serving searches,
    then move the aliases in one atomic call. Pause the pipeline while this runs: a writer
    in another process still targets version N until it restarts."""
    old = {k: backend.current_version(k) for k in kinds}
    new = {k: v + 1 for k, v in old.items()}
    today = datetime.now(UTC).date()
    backend._write_versions.update(new)
    try:
        for kind in kinds:
            # The alias needs a target even if the kind has no documents at all.
            backend._ensure_index(backend.index_name(kind, new[kind], today), alias=None)
        written = fill(backend)
    finally:
        for kind in kinds:
            backend._write_versions.pop(kind, None)
    backend._call(
        backend.client.indices.refresh,
        index=",".join(f"{backend.prefix}-{k}-v{new[k]}-*" for k in kinds),
    )
    actions: list[dict[str, Any]] = []
    for kind in kinds:
        alias = backend.alias(kind)
        actions.append(
            {
                "remove": {
                    "index": f"{backend.prefix}-{kind}-v{old[kind]}-*",
                    "alias": alias,
                    "must_exist": False,
                }
            }
        )
        actions.append(
            {"add": {"index": f"{backend.prefix}-{kind}-v{new[kind]}-*", "alias": alias}}
        )
    backend._call(backend.client.indices.update_aliases, actions=actions)
    backend._versions.update(new)
    dropped: list[str] = []
    if drop_old:
        for kind in kinds:
            found = backend._call(
                backend.client.indices.get,
                index=f"{backend.prefix}-{kind}-v{old[kind]}-*",
                allow_no_indices=True,
            )
            names = sorted(found or {})
            if names:
                # Names, not a wildcard: clusters refuse wildcard deletes by default.
                backend._call(backend.client.indices.delete, index=",".join(names))
                dropped.extend(names)
                backend._known_indices.difference_update(names)
    return ReindexReport(
        kinds=list(kinds),
        old_version=old,
        new_version=new,
        written=written,
        dropped_indices=dropped,
    )
