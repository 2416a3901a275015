"""The Elasticsearch backend at the HTTP boundary: the exact requests the official client sends
and how the backend handles real-shaped answers and failures (409, 429, node down)."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime

import pytest
from fake_es import FakeElasticsearch, Recorded, bulk_ok, error_body, search_response

from signals.search.base import PostDoc, SearchError, SignalDoc
from signals.search.es_admin import setup, swap_reindex
from signals.search.es_client import AuditDoc, ElasticsearchBackend


def _post(i: int, day: int = 20, **kw: object) -> PostDoc:
    return PostDoc(
        id=i, source_id="forum", title=f"Titel {i}", text=f"Iedereen naar het Stadhuisplein {i}",
        url=f"http://127.0.0.1:8765/p/{i}", published_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC),
        labels=["call_to_gathering"], district="Almere Stad", in_almere=True,
        collected_at=datetime(2026, 11, day, 10, 30, tzinfo=UTC),
        **kw,  # type: ignore[arg-type]
    )


def _signal(i: int) -> SignalDoc:
    return SignalDoc(
        id=i,
        types=["call_to_gathering"],
        status="new",
        severity=0.8,
        title="Oproep Stadhuisplein",
        text="Zaterdag iedereen naar het Stadhuisplein",
        place="Stadhuisplein",
        district="Almere Stad",
        notification="niet aangemeld",
        event_time=datetime(2026, 11, 28, 14, 0, tzinfo=UTC),
        first_seen=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        version=2,
    )


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# ------------------------------------------------------------------------------ writing


def test_bulk_upsert_sends_ndjson_with_ids_into_day_partitions(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    written = es_backend.index_posts([_post(1, day=20), _post(2, day=21)])

    assert written == 2
    alias_lookups = fake_es.find("GET", "/_alias/signals-posts")
    assert len(alias_lookups) == 1
    created = fake_es.find("PUT", r"/signals-posts-v1-.*")
    assert [r.path for r in created] == [
        "/signals-posts-v1-2026.11.20",
        "/signals-posts-v1-2026.11.21",
    ]
    assert created[0].json() == {"aliases": {"signals-posts": {}}}
    (bulk,) = fake_es.find("PUT", "/_bulk")
    lines = bulk.ndjson()
    assert lines[0] == {"index": {"_index": "signals-posts-v1-2026.11.20", "_id": "1"}}
    assert lines[1] == {
        "id": 1,
        "source_id": "forum",
        "title": "Titel 1",
        "text": "Iedereen naar het Stadhuisplein 1",
        "url": "http://127.0.0.1:8765/p/1",
        "published_at": "2026-11-20T09:00:00+00:00",
        "labels": ["call_to_gathering"],
        "district": "Almere Stad",
        "in_almere": True,
        "collected_at": "2026-11-20T10:30:00+00:00",
    }
    assert lines[2] == {"index": {"_index": "signals-posts-v1-2026.11.21", "_id": "2"}}
    assert "ndjson" in bulk.headers["content-type"]


def test_reindexing_the_same_document_targets_the_same_index_and_id(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    es_backend.index_signals([_signal(5)])
    es_backend.index_signals([_signal(5)])

    first, second = fake_es.find("PUT", "/_bulk")
    assert first.ndjson() == second.ndjson()
    assert first.ndjson()[0] == {"index": {"_index": "signals-signals-v1-2026.11.01", "_id": "5"}}
    # The partition index is created once per process, not per write.
    assert len(fake_es.find("PUT", r"/signals-signals-v1-.*")) == 1


def test_writes_follow_the_version_the_alias_points_at(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    fake_es.on(
        "GET",
        "/_alias/signals-signals",
        (200, {"signals-signals-v3-2026.10.01": {"aliases": {"signals-signals": {}}}}),
    )
    es_backend.index_signals([_signal(9)])
    (bulk,) = fake_es.find("PUT", "/_bulk")
    assert bulk.ndjson()[0]["index"]["_index"] == "signals-signals-v3-2026.11.01"


def test_audit_events_go_to_monthly_partitions(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    event = AuditDoc(
        id=77, at=datetime(2026, 11, 26, 12, tzinfo=UTC), actor="analyst:3", action="search",
        role="analyst", summary="zoekvraag, 4 resultaten", hash="ab" * 32, prev_hash="cd" * 32,
    )
    assert es_backend.index_audit([event]) == 1
    (bulk,) = fake_es.find("PUT", "/_bulk")
    action, source = bulk.ndjson()
    assert action == {"index": {"_index": "signals-audit-v1-2026.11.01", "_id": "77"}}
    assert source["action"] == "search" and source["at"] == "2026-11-26T12:00:00+00:00"


def test_bulk_retries_only_the_items_rejected_with_429(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend, sleeps: list[float]
) -> None:
    def half_rejected(req: Recorded) -> tuple[int, object]:
        status, body = bulk_ok(req)
        body["errors"] = True
        body["items"][1]["index"] = {
            "_index": body["items"][1]["index"]["_index"], "_id": "2", "status": 429,
            "error": {"type": "es_rejected_execution_exception", "reason": "queue full"},
        }
        return status, body

    fake_es.on("PUT", "/_bulk", half_rejected, times=1)
    assert es_backend.index_posts([_post(1), _post(2), _post(3)]) == 3

    first, second = fake_es.find("PUT", "/_bulk")
    assert [line["index"]["_id"] for line in first.ndjson()[::2]] == ["1", "2", "3"]
    assert [line["index"]["_id"] for line in second.ndjson()[::2]] == ["2"]
    assert sleeps == [0.01]


def test_request_level_429_is_retried_with_exponential_backoff(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend, sleeps: list[float]
) -> None:
    too_many = (429, error_body(429, "circuit_breaking_exception", "[parent] Data too large"))
    fake_es.on("POST", "/signals-signals/_search", too_many, times=2)

    result = es_backend.search("stadhuisplein")

    assert result.total == 0
    assert len(fake_es.find("POST", "/signals-signals/_search")) == 3
    assert sleeps == [0.01, 0.02]


def test_persistent_429_becomes_a_clear_search_error(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend, sleeps: list[float]
) -> None:
    fake_es.on("PUT", "/_bulk", (429, error_body(429, "es_rejected_execution_exception", "x")))
    with pytest.raises(SearchError, match="overbelast.*429"):
        es_backend.index_posts([_post(1)])
    assert len(fake_es.find("PUT", "/_bulk")) == 4  # first try + max_retries
    assert sleeps == [0.01, 0.02, 0.04]


def test_strict_mapping_rejection_is_reported_with_the_reason(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    def rejected(req: Recorded) -> tuple[int, object]:
        status, body = bulk_ok(req)
        body["errors"] = True
        body["items"][0]["index"].update(
            status=400,
            error={"type": "strict_dynamic_mapping_exception",
                   "reason": "mapping set to strict, dynamic introduction of [x] not allowed"},
        )
        return status, body

    fake_es.on("PUT", "/_bulk", rejected)
    with pytest.raises(SearchError, match="weigerde 1 van 1.*dynamic introduction"):
        es_backend.index_posts([_post(1)])


def test_update_uses_optimistic_concurrency_and_rereads_after_409(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    seq = iter([7, 8])

    def current(_req: Recorded) -> tuple[int, object]:
        hit = {"_index": "signals-signals-v1-2026.11.01", "_id": "5", "_score": 1.0,
               "_seq_no": next(seq), "_primary_term": 2,
               "_source": {"id": 5, "status": "new", "version": 2}}
        return 200, search_response([hit])

    fake_es.on("POST", "/signals-signals/_search", current)
    conflict = (409, error_body(409, "version_conflict_engine_exception",
                                "[5]: version conflict, required seqNo [7], primary term [2]"))
    fake_es.on("PUT", "/signals-signals-v1-2026.11.01/_doc/5", conflict, times=1)
    fake_es.on("PUT", "/signals-signals-v1-2026.11.01/_doc/5",
               (200, {"_index": "signals-signals-v1-2026.11.01", "_id": "5", "_version": 4,
                      "result": "updated", "_seq_no": 9, "_primary_term": 2}))
    # Rules are newest-first: make the conflict answer the first PUT.
    fake_es.rules.sort(key=lambda r: r.times is None)

    updated = es_backend.update_signal(5, {"status": "in_review", "version": 3})

    assert updated["status"] == "in_review"
    lookups = fake_es.find("POST", "/signals-signals/_search")
    assert lookups[0].json()["query"] == {"ids": {"values": ["5"]}}
    assert lookups[0].json()["seq_no_primary_term"] is True
    first, second = fake_es.find("PUT", "/signals-signals-v1-2026.11.01/_doc/5")
    assert (first.query["if_seq_no"], first.query["if_primary_term"]) == ("7", "2")
    assert (second.query["if_seq_no"], second.query["if_primary_term"]) == ("8", "2")
    assert second.json() == {"id": 5, "status": "in_review", "version": 3}


def test_update_gives_up_with_a_clear_message_when_conflicts_persist(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    hit = {"_index": "signals-signals-v1-2026.11.01", "_id": "5", "_score": 1.0, "_seq_no": 1,
           "_primary_term": 1, "_source": {"id": 5, "status": "new", "version": 1}}
    fake_es.on("POST", "/signals-signals/_search", (200, search_response([hit])))
    fake_es.on("PUT", r"/signals-signals-v1-2026.11.01/_doc/5",
               (409, error_body(409, "version_conflict_engine_exception", "conflict")))
    with pytest.raises(SearchError, match="versieconflict na 3 pogingen"):
        es_backend.update_signal(5, {"status": "dismissed"})
    assert len(fake_es.find("PUT", "/signals-signals-v1-2026.11.01/_doc/5")) == 3


def test_delete_removes_ids_from_every_version_and_refreshes(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    fake_es.on("POST", "/signals-posts-v[*]/_delete_by_query",
               (200, {"took": 3, "timed_out": False, "total": 2, "deleted": 2,
                      "version_conflicts": 0, "failures": []}))
    assert es_backend.delete("posts", [1, 2]) == 2
    (req,) = fake_es.find("POST", "/signals-posts-v[*]/_delete_by_query")
    assert req.json() == {"query": {"ids": {"values": ["1", "2"]}}}
    assert req.query["refresh"] == "true" and req.query["conflicts"] == "proceed"
    assert es_backend.delete("posts", []) == 0
    assert len(fake_es.find("POST", r".*_delete_by_query")) == 1


# ------------------------------------------------------------------------------ searching


def test_search_sends_simple_query_string_highlight_and_facets(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    hits = [{
        "_index": "signals-signals-v1-2026.11.01", "_id": "5", "_score": 3.2,
        "_source": {"title": "Oproep", "text": "Zaterdag <b>iedereen</b> naar het Stadhuisplein"},
        "highlight": {"text": ["Zaterdag &lt;b&gt;iedereen&lt;&#x2F;b&gt; naar het "
                               "<mark>Stadhuisplein</mark>"]},
    }]
    aggs = {
        "types": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                  "buckets": [{"key": "call_to_gathering", "doc_count": 4}]},
        "status": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                   "buckets": [{"key": "new", "doc_count": 3}, {"key": "dismissed",
                                                                "doc_count": 1}]},
        "district": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
        "notification": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                         "buckets": [{"key": "niet aangemeld", "doc_count": 4}]},
    }
    fake_es.on("POST", "/signals-signals/_search", (200, search_response(hits, aggs, total=4)))

    result = es_backend.search("Stadhuisplein", filters={"status": "new"}, limit=10, offset=20)

    (req,) = fake_es.find("POST", "/signals-signals/_search")
    body = req.json()
    assert body["query"]["bool"]["must"] == [{
        "simple_query_string": {
            "query": "Stadhuisplein", "fields": ["title^2", "text"], "default_operator": "and",
            "lenient": True, "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
        }
    }]
    assert body["query"]["bool"]["filter"] == [{"term": {"status": "new"}}]
    assert body["highlight"]["encoder"] == "html"
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["highlight"]["post_tags"] == ["</mark>"]
    assert set(body["highlight"]["fields"]) == {"title", "text"}
    assert body["aggs"] == {f: {"terms": {"field": f, "size": 50}}
                            for f in ("types", "status", "district", "notification")}
    assert (body["size"], body["from"], body["track_total_hits"]) == (10, 20, True)
    assert "query_string" not in json.dumps(body).replace("simple_query_string", "")

    assert result.total == 4
    assert [(h.id, h.kind, h.score) for h in result.hits] == [(5, "signals", 3.2)]
    assert "<mark>Stadhuisplein</mark>" in result.hits[0].highlight
    assert "<b>" not in result.hits[0].highlight
    assert result.facets["status"] == {"new": 3, "dismissed": 1}
    assert result.facets["district"] == {}


def test_boolean_facets_and_filters_on_posts(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    aggs = {"in_almere": {"buckets": [{"key": 1, "key_as_string": "true", "doc_count": 2}]},
            "source_id": {"buckets": []}, "labels": {"buckets": []}, "district": {"buckets": []}}
    plain = {"_index": "signals-posts-v1-2026.11.20", "_id": "3", "_score": None,
             "_source": {"title": "t", "text": "<script>alert(1)</script> tekst"}}
    fake_es.on("POST", "/signals-posts/_search", (200, search_response([plain], aggs)))

    result = es_backend.search("", kind="posts", filters={"in_almere": "true"})

    body = fake_es.find("POST", "/signals-posts/_search")[0].json()
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"] == [{"term": {"in_almere": True}}]
    assert result.facets["in_almere"] == {"true": 2}
    # Without a highlight the snippet is the escaped text, never raw HTML.
    assert result.hits[0].highlight.startswith("&lt;script&gt;alert(1)&lt;/script&gt;")


@pytest.mark.parametrize("query", ['"', "*", "NEAR(a b)", "AND OR", "title:x", "(", "a) OR (b"])
def test_query_syntax_reaches_only_simple_query_string(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend, query: str
) -> None:
    result = es_backend.search(query)
    body = fake_es.find("POST", "/signals-signals/_search")[0].json()
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["query"] == query
    assert result.hits == []


def test_bad_filters_and_paging_are_refused_before_any_request(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    with pytest.raises(SearchError, match="Onbekend filter 'author'"):
        es_backend.search("x", filters={"author": "@someone"})
    with pytest.raises(SearchError, match="'true' of 'false'"):
        es_backend.search("x", kind="posts", filters={"in_almere": "ja"})
    with pytest.raises(SearchError, match="paginering"):
        es_backend.search("x", offset=9_990, limit=50)
    assert fake_es.requests == []


def test_search_before_anything_was_indexed_is_empty(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    fake_es.on("POST", "/signals-signals/_search",
               (404, error_body(404, "index_not_found_exception", "no such index")))
    result = es_backend.search("stadhuis")
    assert (result.hits, result.total) == ([], 0)


# ------------------------------------------------------------------------------ failures


def test_node_down_gives_a_clear_error_without_credentials() -> None:
    url = f"http://elastic:s3cret@127.0.0.1:{_closed_port()}"
    backend = ElasticsearchBackend(url, request_timeout=2)
    for call in (
        lambda: backend.search("stadhuis"),
        lambda: backend.index_posts([_post(1)]),
        lambda: backend.delete("posts", [1]),
    ):
        with pytest.raises(SearchError, match="niet bereikbaar") as info:
            call()
        assert "s3cret" not in str(info.value)
        assert "127.0.0.1" in str(info.value)


def test_rejected_credentials_are_reported(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    fake_es.on("POST", "/signals-signals/_search",
               (401, error_body(401, "security_exception", "unable to authenticate user")))
    with pytest.raises(SearchError, match="inloggegevens"):
        es_backend.search("x")


def test_from_url_sends_basic_auth_from_the_environment(fake_es: FakeElasticsearch) -> None:
    backend = ElasticsearchBackend.from_url(
        fake_es.url, {"ELASTIC_PASSWORD": "pw", "SIGNALS_ES_PREFIX": "almere"}
    )
    backend.search("x")
    (req,) = fake_es.find("POST", "/almere-signals/_search")
    assert req.headers["authorization"] == "Basic ZWxhc3RpYzpwdw=="  # elastic:pw


# ------------------------------------------------------------------------------ setup, swap


def test_setup_applies_component_template_policies_and_templates(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    report = setup(es_backend, retention_days={"audit": 365})

    (component,) = fake_es.find("PUT", "/_component_template/signals-dutch-analysis")
    analysis = component.json()["template"]["settings"]["analysis"]
    assert "asciifolding" in analysis["analyzer"]["dutch_text"]["filter"]
    policies = {r.path.rsplit("/", 1)[1]: r.json() for r in fake_es.find("PUT", "/_ilm/policy/.*")}
    assert policies["signals-posts"]["policy"]["phases"]["delete"]["min_age"] == "7d"
    assert policies["signals-audit"]["policy"]["phases"]["delete"]["min_age"] == "396d"
    templates = {r.path.rsplit("/", 1)[1]: r.json()
                 for r in fake_es.find("PUT", "/_index_template/.*")}
    assert set(templates) == {"signals-posts", "signals-signals", "signals-audit"}
    posts = templates["signals-posts"]
    assert posts["index_patterns"] == ["signals-posts-v*"]
    assert posts["composed_of"] == ["signals-dutch-analysis"]
    assert posts["template"]["mappings"]["dynamic"] == "strict"
    assert posts["template"]["settings"]["index.lifecycle.name"] == "signals-posts"
    today = datetime.now(UTC).date()
    assert f"signals-posts-v1-{today:%Y.%m.%d}" in report.indices
    assert f"signals-audit-v1-{today.replace(day=1):%Y.%m.%d}" in report.indices
    with pytest.raises(ValueError, match="at least 183"):
        setup(es_backend, retention_days={"audit": 30})


def test_swap_reindex_fills_a_new_version_then_moves_the_alias_atomically(
    fake_es: FakeElasticsearch, es_backend: ElasticsearchBackend
) -> None:
    fake_es.on("GET", "/_alias/signals-posts",
               (200, {"signals-posts-v1-2026.11.20": {"aliases": {"signals-posts": {}}}}))
    fake_es.on("GET", "/signals-posts-v1-[*]",
               (200, {"signals-posts-v1-2026.11.20": {}, "signals-posts-v1-2026.11.21": {}}))
    fake_es.on("GET", "/signals-signals-v1-[*]", (200, {}))

    report = swap_reindex(es_backend, lambda b: b.index_posts([_post(1)]))

    assert report.written == 1 and report.new_version == {"posts": 2, "signals": 2}
    created = [r for r in fake_es.find("PUT", r"/signals-(posts|signals)-v2-.*")]
    assert created and all(r.body == b"" for r in created)  # no alias while filling
    (bulk,) = fake_es.find("PUT", "/_bulk")
    assert bulk.ndjson()[0]["index"]["_index"] == "signals-posts-v2-2026.11.20"
    (swap,) = fake_es.find("POST", "/_aliases")
    assert swap.json()["actions"][:2] == [
        {"remove": {"index": "signals-posts-v1-*", "alias": "signals-posts",
                    "must_exist": False}},
        {"add": {"index": "signals-posts-v2-*", "alias": "signals-posts"}},
    ]
    (drop,) = fake_es.find("DELETE", r"/.*")
    assert drop.path == "/signals-posts-v1-2026.11.20,signals-posts-v1-2026.11.21"
    # Afterwards normal writes go to the new version, behind the alias.
    es_backend.index_posts([_post(2, day=22)])
    assert fake_es.find("PUT", "/signals-posts-v2-2026.11.22")[0].json() == {
        "aliases": {"signals-posts": {}}
    }
