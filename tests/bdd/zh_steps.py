"""中文步骤：与英文步骤构造同一份合同文档（见 vocabulary.py）。"""

from __future__ import annotations
