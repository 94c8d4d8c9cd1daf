"""The article classifier's context features: the array code gives the plain loop's values to the bit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.clean.classifier import CONTEXT_FEATURES, _max_subarray, context_columns, load_model


def _plain_context(p1: list[float], log_chars: list[float]) -> dict[str, list[float]]:
    """Neighbour scores, window means (from running sums) and the main run, one line at a time."""
    n = len(p1)
    lo, hi = _max_subarray([(p - 0.5) * (lc + 0.5) for p, lc in zip(p1, log_chars, strict=True)])
    mass = [p * lc for p, lc in zip(p1, log_chars, strict=True)]
    total = sum(mass) or 1.0
    out: dict[str, list[float]] = {name: [] for name in CONTEXT_FEATURES}
    prefix = [0.0]
    for v in p1:
        prefix.append(prefix[-1] + v)
    before = 0.0
    for i in range(n):
        for name, k in (("ctx_mean3", 3), ("ctx_mean8", 8)):
            a, b = max(0, i - k), min(n, i + k + 1)
            out[name].append((prefix[b] - prefix[a] - p1[i]) / max(1, b - a - 1))
        out["ctx_p_self"].append(p1[i])
        out["ctx_p_prev"].append(p1[i - 1] if i else 0.0)
        out["ctx_p_next"].append(p1[i + 1] if i + 1 < n else 0.0)
        out["ctx_in_main"].append(float(lo <= i <= hi))
        out["ctx_dist_main"].append(float(min(0 if lo <= i <= hi else (lo - i if i < lo else i - hi), 30)))
        out["ctx_mass_before"].append(before / total)
        out["ctx_mass_after"].append((total - before - mass[i]) / total)
        before += mass[i]
    return out


_SCORE = st.floats(0.0, 1.0)
_LOG_CHARS = st.floats(0.0, 12.0)


@given(st.lists(st.tuples(_SCORE, _LOG_CHARS), min_size=1, max_size=60))
def test_context_columns_equal_the_plain_loop(rows: list[tuple[float, float]]) -> None:
    p1, log_chars = [r[0] for r in rows], [r[1] for r in rows]
    columns = context_columns(p1, log_chars)
    expected = _plain_context(p1, log_chars)
    for name in CONTEXT_FEATURES:
        assert columns[name] == expected[name], name


def test_model_scores_articles_above_menus() -> None:
    model = load_model()
    assert model is not None
    from ingest.clean.features import page_columns
    from ingest.clean.lines import paragraphs

    article = (
        "The city council approved the new tram line on Monday after a long debate about its cost, which "
        "has doubled since the plan was first put to the voters in a referendum four years ago."
    )
    paras = paragraphs(
        "\n".join(["Home", "News", "Sport", "Weather", article, article + " More.", "Contact"])
    )
    scores = model.scores_columns(page_columns(paras, [False] * len(paras)))
    assert min(scores[4:6]) > max(scores[:4])


_LINES = st.sampled_from(
    [
        "Home",
        "News",
        "Share this article",
        "By Jane Doe",
        "* Menu item",
        "## Heading here",
        "Published 12 May 2024, 10:30 am",
        "The city council approved the new tram line on Monday after a long debate about its cost, which "
        "has doubled since the plan was first put to the voters.",
        "Opponents said the money would be better spent on buses, which carry twice as many people in town.",
        "Visit www.example.com for more | Contact",
        "“Quoted words,” she said...",
        "Home news and the city council tram line, " * 6,
        "",
    ]
)


def _reference_page_columns(
    paras, rule_hits: list[bool], stats: dict[str, list[float]]
) -> dict[str, list[float]]:
    """The page features defined the plain way, line by line with Python lists and slice sums: what the
    cleaner's array path (`model_columns`) must equal, value for value."""
    from collections import Counter

    from ingest.clean.features import _overlap, _title_words
    from ingest.clean.linestats import LINE_STATS, prose_column

    n = len(paras)
    out = {name: list(stats[name]) for name in LINE_STATS}
    prose = prose_column(stats)
    prose_chars = [len(p.text) if pr else 0 for p, pr in zip(paras, prose, strict=True)]
    total = sum(prose_chars) or 1
    counts = Counter(p.text for p in paras)
    title_words = _title_words(paras)
    log_chars, sentences = out["log_chars"], out["ends_sentence"]

    def window(values: list[float], k: int) -> list[float]:
        return [
            (sum(values[max(0, i - k) : i + k + 1]) - values[i])
            / max(1, min(n, i + k + 1) - max(0, i - k) - 1)
            for i in range(n)
        ]

    def distance(order: range) -> list[float]:
        dist, result = 30, [0.0] * n
        for i in order:
            result[i] = 0.0 if prose[i] else float(dist)
            dist = min((0 if prose[i] else dist) + 1, 30)
        return result

    before = [sum(prose_chars[:i]) for i in range(n)]
    out["is_list"] = [float(p.is_list) for p in paras]
    out["is_heading"] = [float(p.is_heading) for p in paras]
    out["pos_rel"] = [i / n for i in range(n)]
    out["prose_before"] = [b / total for b in before]
    out["prose_after"] = [
        (total - b - c) / total if total > 1 else 0.0 for b, c in zip(before, prose_chars, strict=True)
    ]
    out["dist_prev_prose"] = distance(range(n))
    out["dist_next_prose"] = distance(range(n - 1, -1, -1))
    out["win2_log_chars"] = window(log_chars, 2)
    out["win6_log_chars"] = window(log_chars, 6)
    out["prev_log_chars"] = [0.0, *log_chars[:-1]]
    out["next_log_chars"] = [*log_chars[1:], 0.0]
    out["prev_ends_sentence"] = [0.0, *sentences[:-1]]
    out["next_ends_sentence"] = [*sentences[1:], 0.0]
    out["dup_count"] = [float(min(counts[p.text], 5)) for p in paras]
    out["title_overlap"] = [0.0] + [_overlap(p.text, title_words) for p in paras[1:]]
    out["rule_any"] = [float(h) for h in rule_hits]
    out["rule_near"] = window(out["rule_any"], 3)
    out["win3_cap_share"] = window(out["cap_share"], 3)
    out["win3_sentence"] = window(sentences, 3)
    out["win3_prose"] = window([float(p) for p in prose], 3)
    return out


@given(st.lists(_LINES, min_size=1, max_size=40), st.data())
def test_model_columns_and_scores_equal_the_line_by_line_definition(
    lines: list[str], data: st.DataObject
) -> None:
    """The cleaner's array path (`model_columns`, `scores_arrays`) gives the doubles of the plain
    line-by-line definition, to the bit; `page_columns` (what training reads) gives the same numbers."""
    from ingest.clean.features import FEATURES, model_columns, page_columns
    from ingest.clean.lines import paragraphs
    from ingest.clean.linestats import SHORT_TOKENS, cached_text_table, prose_column, text_columns

    paras = paragraphs("\n".join(lines))
    if not paras:
        return
    hits = data.draw(st.lists(st.booleans(), min_size=len(paras), max_size=len(paras)))
    stats = text_columns([p.text for p in paras])
    plain = _reference_page_columns(paras, hits, stats)
    fast = model_columns(paras, hits, stats, prose_column(stats))
    table = cached_text_table([p.text for p in paras])
    with_tokens = model_columns(paras, hits, stats, prose_column(stats), table[SHORT_TOKENS])
    training = page_columns(paras, hits)
    assert set(fast) == set(FEATURES) == set(with_tokens) == set(training)
    for name in FEATURES:
        assert fast[name].dtype.name == "float64"
        assert fast[name].tolist() == plain[name] == with_tokens[name].tolist() == training[name], name
    model = load_model()
    assert model is not None
    assert model.scores_arrays(fast) == model.scores_columns(plain) == _row_scores(model, plain)


def _row_scores(model, columns: dict[str, list[float]]) -> list[float]:
    """The definition, line by line: stage 1 on each row (`Stage.score`, bisect), the context features
    of its scores, stage 2 on each row with them."""
    from ingest.clean.classifier import context_features

    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    p1 = [model.stage1.score(row) for row in rows]
    context = context_features(p1, columns["log_chars"])
    return [model.stage2.score({**row, **ctx}) for row, ctx in zip(rows, context, strict=True)]


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([30.0, -30.0, -0.0])),
        max_size=30,
    )
)
def test_logistics_equal_the_scalar_logistic(values: list[float]) -> None:
    """The page-at-once logistic gives `_logistic` of every value, to the bit, NaN and infinities included."""
    import numpy as np

    from ingest.clean.classifier import _logistic, _logistics

    got = _logistics(np.asarray(values, dtype=np.float64))
    assert [v.hex() for v in got] == [_logistic(v).hex() for v in values]
