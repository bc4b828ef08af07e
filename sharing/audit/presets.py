"""Preset contracts of documented arrangements, shipped in ``sharing/presets/``.

Each preset is a contract YAML whose header quotes its source (document number or
publication, date, the sentence it implements in Chinese with an English gloss), says what
was assumed where the source is silent, and works its figures by hand; next to it is a
``.feature`` file of the same name that checks those figures with the audit vocabulary.

    list_presets()            -> [PresetInfo], in the order of issue 7 (a)–(f)
    preset_path("bth-92hao")  -> Path of the YAML
    write_preset(name, dest)  -> writes a copy to edit (``sharing new --preset NAME FILE``)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

PRESET_DIR = Path(__file__).resolve().parents[1] / "presets"

#: The presets in the order the issue lists them; files not listed follow alphabetically.
ORDER = ("bth-92hao", "jiangsu-south-north", "zhongguancun-operated", "zhejiang-xiaobo-fixed",
         "zhejiang-xiaobo-floor", "kunming-key-enclave", "reverse-enclave-quzhou",
         "eurasian-corridor-buffer")


@dataclass(frozen=True)
class PresetInfo:
    name: str
    title_zh: str
    title_en: str
    path: Path
    feature_path: Path | None

    def as_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "title_zh": self.title_zh, "title_en": self.title_en,
                "path": str(self.path),
                "feature_path": str(self.feature_path) if self.feature_path else None}


def _names() -> list[str]:
    found = sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def _title(path: Path) -> tuple[str, str]:
    import yaml

    from .terms import split_bilingual

    with path.open(encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return split_bilingual(str(doc.get("name") or path.stem))


def list_presets() -> list[PresetInfo]:
    """Every preset: name, title in Chinese and English, path of the YAML and of its feature."""
    out = []
    for name in _names():
        path = PRESET_DIR / f"{name}.yaml"
        zh, en = _title(path)
        feature = PRESET_DIR / f"{name}.feature"
        out.append(PresetInfo(name, zh, en, path, feature if feature.exists() else None))
    return out


def preset_path(name: str) -> Path:
    path = PRESET_DIR / f"{name}.yaml"
    if name not in _names() or not path.exists():
        raise KeyError(f"no preset {name!r}; the presets are: {', '.join(_names())}")
    return path


def preset_text(name: str) -> str:
    return preset_path(name).read_text(encoding="utf-8")


def write_preset(name: str, dest: str | Path, overwrite: bool = False) -> Path:
    """Copy a preset's YAML (comments and all) to ``dest`` to be edited."""
    src = preset_path(name)
    out = Path(dest)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists; choose another file name or pass --force")
    shutil.copyfile(src, out)
    return out
