"""ETags of record versions and how If-Match / If-None-Match values are compared (records/versions.py)."""

from __future__ import annotations

from tenantapi.records.versions import etag_matches


def test_if_match_compares_strongly_so_a_weak_tag_never_matches():
    assert etag_matches('"abc"', '"abc"')
    assert etag_matches('"x", "abc"', '"abc"')
    assert not etag_matches('W/"abc"', '"abc"')
    assert not etag_matches('"abd"', '"abc"')


def test_if_none_match_compares_weakly():
    assert etag_matches('W/"abc"', '"abc"', weak=True)
    assert etag_matches('"x" , W/"abc"', '"abc"', weak=True)


def test_a_star_matches_any_current_etag():
    assert etag_matches("*", '"abc"') and etag_matches("*", '"abc"', weak=True)
