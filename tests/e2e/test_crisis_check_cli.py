"""`python -m bot crisis check` as a counsellor runs it, in a real process: one JSON object
per line in order, --conversation carrying the chat's memory, stdin, and refusals."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINES = ["我们心理课今天讲了自杀干预", "最近好累", "药已经攒够了", "I want to kill myself", ""]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _check(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    full.update(XQ_CONFIG=str(ROOT / "config.toml"), **env)
    return subprocess.run([sys.executable, "-m", "bot", "crisis", "check", *args], cwd=ROOT,
                          env=full, input=stdin, capture_output=True, text=True, timeout=120)


def _rows(out: subprocess.CompletedProcess) -> list[dict[str, str]]:
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_each_line_on_its_own_then_as_a_conversation(tmp_path: Path) -> None:
    f = tmp_path / "lines.txt"
    f.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    alone = _rows(_check(str(f)))
    assert [r["text"] for r in alone] == LINES  # one object per line, in order
    assert all(set(r) == {"text", "verdict", "why"} for r in alone)
    assert [r["verdict"] for r in alone] == ["review", "none", "review", "crisis", "none"]
    assert "topic" in alone[0]["why"] or "自杀" in alone[0]["why"]
    talk = _rows(_check(str(f), "--conversation"))
    # After "最近好累" a minute earlier, the saved-up pills are a crisis, and why says so.
    assert talk[2]["verdict"] == "crisis" and "earlier" in talk[2]["why"]
    assert [r["verdict"] for r in talk][:2] == ["review", "none"]
    piped = _rows(_check(stdin="\n".join(LINES[:2]) + "\n"))  # stdin without FILE
    assert [r["verdict"] for r in piped] == ["review", "none"]


def test_deployment_terms_and_exceptions_are_honoured(tmp_path: Path) -> None:
    f = tmp_path / "lines.txt"
    f.write_text("我想去看海棠花开\n我们心理课今天讲了自杀干预\n", encoding="utf-8")
    rows = _rows(_check(str(f), XQ_CRISIS__TERMS_ZH='["去看海棠花开"]',
                        XQ_CRISIS__EXCEPTIONS='["心理课今天讲了自杀干预"]'))
    assert [(r["verdict"], r["why"]) for r in rows] == [
        ("crisis", "deployment term: 去看海棠花开"), ("none", "no crisis wording")]
    shipped = _rows(_check(str(f)))  # without them: no term, and the lecture is reviewed
    assert shipped[0]["why"] != "deployment term: 去看海棠花开"
    assert shipped[1]["verdict"] == "review"


def test_refusals_are_one_sentence(tmp_path: Path) -> None:
    missing = _check(str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "文件不存在" in missing.stderr
    folder = _check(str(tmp_path))
    assert folder.returncode == 2 and "这是一个文件夹" in folder.stderr
    latin = tmp_path / "gbk.txt"
    latin.write_bytes("我想死".encode("gbk"))
    bad = _check(str(latin))
    assert bad.returncode == 2 and "不是 UTF-8 文本" in bad.stderr
    no_model = _check(str(latin), XQ_CRISIS__MODEL=str(tmp_path / "none.json"))
    assert no_model.returncode == 2
    assert "危机识别模型文件" in no_model.stderr and "make crisis-model" in no_model.stderr
    for out in (missing, folder, bad, no_model):
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_the_bot_refuses_to_start_without_the_model(tmp_path: Path) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    full.update(XQ_CONFIG=str(ROOT / "config.toml"), XQ_TELEGRAM__TOKEN="",
                XQ_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path}/x.db",
                XQ_CRISIS__MODEL=str(tmp_path / "gone.json"), XQ_WEB__PORT=str(_free_port()))
    out = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=full,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    refusal = [line for line in out.stderr.splitlines() if "危机识别模型文件" in line]
    assert refusal == [f"危机识别模型文件 {tmp_path / 'gone.json'} 缺失或无法读取（该路径下没有"
                       f"文件）：请从 git 恢复该文件，或运行 make crisis-model 重新生成。"]
    assert "Traceback" not in out.stderr
