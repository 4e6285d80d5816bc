"""Suggested partners: plain data in, ranked partners with their matching words out (no
database)."""

import pytest

from registrations.partner_suggestions import (
    EXCERPT_CHARS,
    ParticipantText,
    fold,
    suggest_for_all,
    suggest_partners,
)

FINNISH_BATTERY = ParticipantText(
    id=1,
    offers="Testing of battery cells and modules, cold-climate validation, access to 60 SMEs",
    seeks="battery recycling, second-life energy storage",
    description="Battery cluster from Vaasa, Finland.",
)
POLISH_BATTERY = ParticipantText(
    id=2,
    offers="battery recycling pilots, hydrometallurgical processes for black mass",
    seeks="testing of battery cells in cold climate; export to Nordic markets",
    description="Silesian cleantech cluster.",
)
LODZ_TEXTILE = ParticipantText(
    id=3,
    offers="Smart textiles with woven sensors, textile prototyping in Łódź",
    seeks="digital health software for wearable monitoring",
    description="Textile and clothing cluster of the Łódź region.",
)
BERLIN_HEALTH = ParticipantText(
    id=4,
    offers="Digital health software, telemedicine platforms, clinical data interoperability",
    seeks="smart textiles and wearable sensors for patient monitoring",
    description="Digital health cluster in Berlin.",
)
ALPINE_TOURISM = ParticipantText(
    id=5,
    offers="Sustainable mountain tourism, ski resort management",
    seeks="wine tourism and gastronomy routes",
)
PORTUGUESE_CORK = ParticipantText(
    id=6,
    offers="Cork products, natural insulation materials",
    seeks="furniture designers using natural materials",
)

CATALOGUE = [
    FINNISH_BATTERY,
    POLISH_BATTERY,
    LODZ_TEXTILE,
    BERLIN_HEALTH,
    ALPINE_TOURISM,
    PORTUGUESE_CORK,
]


def ids(suggestions):
    return [suggestion.partner_id for suggestion in suggestions]


def test_the_obvious_partner_ranks_first_with_both_directions_and_their_words():
    best = suggest_partners(CATALOGUE, FINNISH_BATTERY.id)[0]

    assert best.partner_id == POLISH_BATTERY.id
    assert best.you_seek == "battery recycling"
    assert best.they_offer == "battery recycling pilots"
    assert best.you_offer == "Testing of battery cells and modules \u2026 cold-climate validation"
    assert best.they_seek == "testing of battery cells in cold climate"
    assert 0 < best.score <= 1


def test_a_second_phrase_shows_when_it_matches_other_words():
    seeker = ParticipantText(
        1, offers="ceramics", seeks="battery recycling. Also hydrometallurgical processes."
    )
    partner = ParticipantText(
        2, offers="Hydrometallurgical processes; battery recycling pilots", seeks="ceramics"
    )

    [suggestion] = suggest_partners([seeker, partner], seeker.id)

    assert suggestion.you_seek == "battery recycling \u2026 Also hydrometallurgical processes"
    assert suggestion.they_offer == "Hydrometallurgical processes \u2026 battery recycling pilots"


def test_both_partners_see_each_other_with_the_words_swapped():
    suggestions = suggest_for_all(CATALOGUE)

    textile, health = suggestions[LODZ_TEXTILE.id][0], suggestions[BERLIN_HEALTH.id][0]
    assert (textile.partner_id, health.partner_id) == (BERLIN_HEALTH.id, LODZ_TEXTILE.id)
    assert textile.score == health.score
    assert (textile.you_seek, textile.they_offer) == (health.they_seek, health.you_offer)
    assert (textile.you_offer, textile.they_seek) == (health.they_offer, health.you_seek)
    assert textile.they_offer == "Digital health software"


def test_unrelated_clusters_are_not_suggested():
    suggestions = suggest_for_all(CATALOGUE)

    assert suggestions[ALPINE_TOURISM.id] == []
    assert ALPINE_TOURISM.id not in ids(suggestions[FINNISH_BATTERY.id])
    assert PORTUGUESE_CORK.id not in ids(suggestions[BERLIN_HEALTH.id])


def test_a_match_in_one_direction_ranks_below_a_match_in_both_but_still_shows():
    seeker = ParticipantText(10, offers="hydrogen electrolysers", seeks="offshore wind turbines")
    both = ParticipantText(11, offers="offshore wind farms", seeks="hydrogen storage")
    one = ParticipantText(12, offers="offshore wind turbines and blades", seeks="vineyards")

    suggestions = suggest_partners([seeker, one, both], seeker.id)

    assert ids(suggestions) == [both.id, one.id]
    one_way = suggestions[1]
    assert one_way.score > 0
    assert one_way.they_offer == "offshore wind turbines and blades"
    assert (one_way.you_offer, one_way.they_seek) == ("", "")


def test_nobody_is_suggested_to_themselves():
    mirror = ParticipantText(20, offers="circular plastics", seeks="circular plastics")

    suggestions = suggest_for_all([*CATALOGUE, mirror])

    assert mirror.id not in ids(suggestions[mirror.id])
    for participant_id, partners in suggestions.items():
        assert participant_id not in ids(partners)


@pytest.mark.parametrize(
    "silent",
    [
        ParticipantText(30, offers="", seeks=""),
        ParticipantText(30, offers="  \n", seeks=" ", description=""),
        # Only words that every profile uses: nothing to match on.
        ParticipantText(30, offers="Our cluster members and companies.", seeks="Partners!"),
    ],
)
def test_a_participant_without_text_gets_no_suggestions_and_is_not_suggested(silent):
    suggestions = suggest_for_all([*CATALOGUE, silent])

    assert suggestions[silent.id] == []
    assert suggest_partners([*CATALOGUE, silent], silent.id) == []
    assert all(silent.id not in ids(partners) for partners in suggestions.values())


def test_a_catalogue_without_any_text_suggests_nothing():
    empty = [ParticipantText(1, "", ""), ParticipantText(2, "Cluster.", "Looking for partners")]

    assert suggest_for_all(empty) == {1: [], 2: []}
    assert suggest_for_all([]) == {}


def test_words_that_every_cluster_profile_uses_do_not_make_a_match():
    first = ParticipantText(1, offers="cluster members, companies", seeks="partners")
    second = ParticipantText(2, offers="partners", seeks="cluster members, companies")
    real = ParticipantText(3, offers="photonics", seeks="quantum sensing")

    assert suggest_for_all([first, second, real])[1] == []


def test_accents_do_not_matter_and_the_excerpts_keep_them():
    lodz = ParticipantText(1, offers="Garment factories in Lodz", seeks="Research in Järvenpää")
    finland = ParticipantText(
        2, offers="Research labs in Jarvenpaa", seeks="garment factories in Łódź"
    )

    [suggestion] = suggest_partners([lodz, finland], lodz.id)

    assert suggestion.partner_id == finland.id
    assert suggestion.you_seek == "Research in Järvenpää"
    assert suggestion.they_offer == "Research labs in Jarvenpaa"
    assert suggestion.they_seek == "garment factories in Łódź"
    assert fold("Łódź Järvenpää Straße Ørsted") == "lodz jarvenpaa strasse orsted"


def test_ties_go_by_id_whatever_the_input_order():
    seeker = ParticipantText(5, offers="aquaculture feed", seeks="fish processing")
    twins = [
        ParticipantText(partner_id, offers="fish processing", seeks="aquaculture feed")
        for partner_id in (30, 10, 20)
    ]

    suggestions = suggest_partners([twins[0], seeker, *twins[1:]], seeker.id)

    assert ids(suggestions) == [10, 20, 30]
    assert len({suggestion.score for suggestion in suggestions}) == 1


def test_the_limit():
    seeker = ParticipantText(1, offers="aquaculture feed", seeks="fish processing")
    partners = [
        ParticipantText(partner_id, offers="fish processing", seeks="aquaculture feed")
        for partner_id in range(2, 8)
    ]
    catalogue = [seeker, *partners]

    assert len(suggest_partners(catalogue, seeker.id)) == 6
    assert ids(suggest_partners(catalogue, seeker.id, limit=2)) == [2, 3]
    assert suggest_partners(catalogue, seeker.id, limit=0) == []
    assert ids(suggest_for_all(catalogue, limit=3)[seeker.id]) == [2, 3, 4]


def test_all_at_once_gives_what_each_one_gets_alone():
    everyone = suggest_for_all(CATALOGUE, limit=3)

    for participant in CATALOGUE:
        assert everyone[participant.id] == suggest_partners(CATALOGUE, participant.id, limit=3)


def test_a_long_phrase_is_cut_around_the_matching_words():
    words = "regional industrial symbiosis networks with manufacturers and universities " * 3
    seeker = ParticipantText(1, offers="ceramics", seeks=f"{words}and battery recycling lines")
    partner = ParticipantText(2, offers="battery recycling pilots", seeks="ceramics")

    [suggestion] = suggest_partners([seeker, partner], seeker.id)

    assert "battery recycling" in suggestion.you_seek
    assert suggestion.you_seek.startswith("\u2026")
    assert len(suggestion.you_seek) <= EXCERPT_CHARS


def test_an_unknown_participant_or_a_repeated_id_is_an_error():
    with pytest.raises(KeyError):
        suggest_partners(CATALOGUE, 999)
    with pytest.raises(ValueError, match="unique"):
        suggest_for_all([FINNISH_BATTERY, FINNISH_BATTERY])
