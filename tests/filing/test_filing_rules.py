"""User filing rules: matching, precedence over the built-in rules, validation."""

from __future__ import annotations

import pytest

from bparchive.errors import ConfigError
from bparchive.filing import UserRule, classify


def rule(**kw) -> UserRule:
    return UserRule.from_dict({"name": "r", **kw})


def test_user_rule_beats_builtin_rules():
    subject = "Giấy mời họp giao ban (Số 112/GM-UBND)"
    assert classify(subject).category == "thu_moi"
    r = rule(
        name="giao-ban", category="lich_cong_tac", subject_words=["giao ban"], tags=["giao-ban"]
    )
    filing = classify(subject, rules=[r])
    assert filing.category == "lich_cong_tac"
    assert filing.rule == "user:giao-ban"
    assert filing.tags == ("giao-ban",)
    assert filing.doc_type == "giay_moi"  # the type is not changed by a category rule


def test_first_matching_rule_decides_later_ones_only_tag():
    first = rule(name="a", category="khac", subject_words=["giao ban"], tags=["x"])
    second = rule(name="b", category="thong_bao", subject_words=["giay moi"], tags=["y", "x"])
    filing = classify("Giấy mời họp giao ban", rules=[first, second])
    assert (filing.category, filing.rule, filing.tags) == ("khac", "user:a", ("x", "y"))
    filing = classify("Giấy mời họp giao ban", rules=[second, first])
    assert (filing.category, filing.rule, filing.tags) == ("thong_bao", "user:b", ("y", "x"))


def test_tag_only_rule_leaves_the_category_to_builtins():
    tagger = rule(name="tt", tags=["sotttt"], agency="sotttt")
    filing = classify("Giấy mời họp", sender="Sở TT&TT <sotttt@binhphuoc.gov.vn>", rules=[tagger])
    assert (filing.category, filing.rule, filing.tags) == (
        "thu_moi",
        "builtin:subject-lead:giấy mời",
        ("sotttt",),
    )


def test_rule_not_matching_changes_nothing():
    r = rule(category="khac", subject_words=["không có"])
    assert classify("Giấy mời họp", rules=[r]).category == "thu_moi"


def test_sender_glob():
    r = rule(category="khac", sender_glob="*@binhphuoc.gov.vn")
    assert classify("Giấy mời", sender="A <A.STNMT@BinhPhuoc.gov.vn>", rules=[r]).rule == "user:r"
    assert classify("Giấy mời", sender="a@gmail.com", rules=[r]).rule != "user:r"
    assert classify("Giấy mời", sender="", rules=[r]).rule != "user:r"


def test_agency_matches_agency_box_and_people_of_the_agency():
    r = rule(category="khac", agency="STNMT")
    assert classify("Giấy mời", sender="stnmt@binhphuoc.gov.vn", rules=[r]).rule == "user:r"
    assert (
        classify("Giấy mời", sender="nguyenvanbinh.stnmt@binhphuoc.gov.vn", rules=[r]).rule
        == "user:r"
    )
    assert classify("Giấy mời", sender="sotttt@binhphuoc.gov.vn", rules=[r]).rule != "user:r"
    assert classify("Giấy mời", sender="stnmt@gmail.com", rules=[r]).rule != "user:r"


def test_subject_words_folded_all_required_whole_words():
    r = rule(category="khac", subject_words=["Giao Ban", "tháng"])
    assert classify("GIAO BAN THANG 7", rules=[r]).rule == "user:r"
    assert classify("Re: Giấy mời giao  ban tháng 7", rules=[r]).rule == "user:r"
    assert classify("Giấy mời giao ban tuần", rules=[r]).rule != "user:r"
    assert classify("giaoban thang 7", rules=[r]).rule != "user:r"


def test_ref_pattern_globs_normalised_keys():
    r = rule(category="chi_dao_dieu_hanh", ref_pattern="*/qđ-ubnd")
    assert classify("Quyết định số 15/QD-UBND", rules=[r]).rule == "user:r"
    assert classify("Quyết định số 15/QĐ-STTTT", rules=[r]).rule != "user:r"
    by_year = rule(category="khac", ref_pattern="*/2009/*")
    assert classify("Sao y 48/2009/QĐ-UBND", rules=[by_year]).category == "khac"
    # references in the body count too
    assert classify("Fw: văn bản", body="Số 15/QĐ-UBND", rules=[r]).rule == "user:r"


def test_all_conditions_must_hold():
    r = rule(category="khac", agency="sotttt", subject_words=["giao ban"])
    assert classify("Giao ban", sender="sotttt@binhphuoc.gov.vn", rules=[r]).rule == "user:r"
    assert classify("Họp", sender="sotttt@binhphuoc.gov.vn", rules=[r]).rule != "user:r"
    assert classify("Giao ban", sender="stnmt@binhphuoc.gov.vn", rules=[r]).rule != "user:r"


def test_user_doc_type_overrides_and_feeds_the_builtin_category():
    r = rule(doc_type="giay_moi", sender_glob="vanthu@*")
    filing = classify("Lịch họp", sender="vanthu@binhphuoc.gov.vn", rules=[r])
    assert filing.doc_type == "giay_moi" and filing.doc_type_code == "GM"
    assert filing.category == "thu_moi"


def test_user_category_beats_secret_category_but_secret_flag_stays():
    r = rule(category="khac", subject_words=["an ninh"])
    filing = classify("[MẬT] Kế hoạch bảo đảm an ninh", rules=[r])
    assert filing.secret and filing.category == "khac" and filing.rule == "user:r"


def test_from_dict_full():
    r = UserRule.from_dict(
        {
            "name": " giao ban ",
            "category": "lich_cong_tac",
            "tags": ["giao-ban", "tuần"],
            "sender_glob": "*@binhphuoc.gov.vn",
            "agency": "SoTTTT",
            "subject_words": ["giao ban"],
            "ref_pattern": "*/GM-*",
            "doc_type": "giay_moi",
        }
    )
    assert r.name == "giao ban" and r.agency == "sotttt" and r.tags == ("giao-ban", "tuần")
    assert r == UserRule.from_dict(
        {
            "name": "giao ban",
            "category": "lich_cong_tac",
            "tags": ["giao-ban", "tuần"],
            "sender_glob": "*@binhphuoc.gov.vn",
            "agency": "sotttt",
            "subject_words": ["giao ban"],
            "ref_pattern": "*/GM-*",
            "doc_type": "giay_moi",
        }
    )


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"name": "r", "category": "khac", "agency": "x", "colour": "red"}, "unknown key 'colour'"),
        ({"category": "khac", "agency": "x"}, "'name'"),
        ({"name": "", "category": "khac", "agency": "x"}, "'name'"),
        ({"name": 3, "category": "khac", "agency": "x"}, "'name'"),
        ({"name": "r", "category": "misc", "agency": "x"}, "'category' must be one of"),
        ({"name": "r", "category": 5, "agency": "x"}, "'category'"),
        ({"name": "r", "category": "khac", "tags": "a", "agency": "x"}, "'tags' must be a list"),
        ({"name": "r", "category": "khac", "tags": [1], "agency": "x"}, "'tags'"),
        ({"name": "r", "category": "khac", "tags": ["a b"], "agency": "x"}, "'tags'"),
        ({"name": "r", "category": "khac", "tags": ["-a"], "agency": "x"}, "'tags'"),
        ({"name": "r", "category": "khac", "subject_words": "giao ban"}, "'subject_words'"),
        ({"name": "r", "category": "khac", "subject_words": [""]}, "'subject_words'"),
        ({"name": "r", "category": "khac", "sender_glob": ""}, "'sender_glob'"),
        ({"name": "r", "category": "khac", "ref_pattern": 12}, "'ref_pattern'"),
        ({"name": "r", "doc_type": "memo", "agency": "x"}, "'doc_type'"),
        ({"name": "r", "category": "khac"}, "at least one condition"),
        ({"name": "r", "agency": "x"}, "does nothing"),
    ],
)
def test_from_dict_validation_names_the_key(table, needle):
    with pytest.raises(ConfigError) as info:
        UserRule.from_dict(table)
    assert needle in str(info.value)
    if isinstance(table.get("name"), str) and table["name"]:
        assert "rule 'r'" in str(info.value)


def test_from_dict_rejects_non_tables():
    with pytest.raises(ConfigError, match="must be a table"):
        UserRule.from_dict(["name", "r"])  # type: ignore[arg-type]
