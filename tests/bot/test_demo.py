"""The README's first command: the demo plays its whole story and exits 0."""

import io
import sys
from pathlib import Path

import pytest

from bot.demo import FAKE_MISSING, run_demo


@pytest.mark.slow
async def test_demo_plays_the_seed_story(tmp_path: Path) -> None:
    out = io.StringIO()
    assert await run_demo(out, tmp_path / "demo.db") == 0
    transcript = out.getvalue()
    assert "Pasni is in Gwadar district." in transcript
    assert "⌨ [ 📍 Share my location ] (under the text box)" in transcript
    assert "most likely in Chaman district" in transcript
    assert (tmp_path / "demo-map.png").read_bytes().startswith(b"\x89PNG")
    assert "دالبندین ضلع چاغی میں ہے۔" in transcript
    assert "You verified KB-2026-0001" in transcript
    # Both residents along the railway got the verified alert; the one in Gwadar did not.
    assert transcript.count("Ref KB-2026-0001 · ✅ verified by 2 operators") == 1
    assert "حوالہ KB-2026-0001 · ✅ دو آپریٹرز کا تصدیق شدہ" in transcript
    assert "د کوټې–تفتان اورګاډي د پټلۍ پر برید وروسته ودرول شول" in transcript
    assert "حواله KB-2026-0001 · ✅ د 2 اپرېټرانو لخوا تایید شوې" in transcript
    assert "bot replies to Bilal, Pasni:\n    │ 🟠 SEVERE" not in transcript
    # Karim has no Telegram: he joins by SMS and gets the rail suspension by SMS.
    assert "texts the service number: JOIN DALBANDIN" in transcript
    assert "Joined Chagai" in transcript
    assert "│ SEVERE: Quetta, Mastung, Nushki, Chagai. Quetta-Taftan trains suspended" in transcript
    assert transcript.rstrip().endswith("everything above went through HTTP.")


async def test_demo_without_the_fake_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes `import faketg` fail as it does where the fake is not installed.
    monkeypatch.setitem(sys.modules, "faketg", None)
    out = io.StringIO()
    assert await run_demo(out, tmp_path / "demo.db") == 2
    assert capsys.readouterr().err == FAKE_MISSING + "\n"
    assert out.getvalue() == ""
