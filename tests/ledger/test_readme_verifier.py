"""The README's independent-verification program works against a running portal."""

import contextlib
import io
import re
from pathlib import Path

import pytest

from ledger import keys
from ledger.anchor import anchor
from tests.factories import append_entries

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_program():
    text = README.read_text(encoding="utf-8")
    return re.search(r"This program checks.*?```python\n(.*?)```", text, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_readme_program_verifies_entry_zero(live_server):
    append_entries(7)
    anchor()
    program = readme_program()
    program = program.replace('"http://127.0.0.1:8000"', repr(live_server.url))
    program = program.replace('"<verifier key from a trusted source>"', repr(keys.signer().verifier.text))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(program, "README.md", "exec"), {})
    assert "entry 0 is in the signed ledger of 7 entries" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_readme_program_rejects_a_checkpoint_signed_by_another_key(live_server):
    append_entries(2)
    anchor()
    from ledger import note

    stranger = note.generate_signer(keys.signer().name).verifier.text
    program = readme_program().replace('"http://127.0.0.1:8000"', repr(live_server.url))
    program = program.replace('"<verifier key from a trusted source>"', repr(stranger))
    with pytest.raises(AssertionError):
        exec(compile(program, "README.md", "exec"), {})
