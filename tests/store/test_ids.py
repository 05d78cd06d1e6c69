import uuid

from deskbreak.store.ids import new_id


def test_ids_are_distinct_random_version_4_uuids_in_uuid4_hex_form() -> None:
    ids = {new_id() for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        parsed = uuid.UUID(hex=text)
        assert (parsed.version, parsed.variant, parsed.hex) == (4, uuid.RFC_4122, text)
