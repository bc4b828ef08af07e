"""The operating years of a contract (semantics §6): a *case*.

A case is a contract with the data that arrive after signing: the enterprise register
(§6.1), the actual figures (§6.2), amendments (§6.3) and transfers (§6.4). Modules, one job
each:

- :mod:`.errors` — input-file errors, all at once, ``FILE: row R, column C (HEADER): message``
  in zh-CN or English (§6.0, §6.4a);
- :mod:`.readers` — CSV (UTF-8 / GB18030) and XLSX tables, headers with aliases, numbers (§6.0);
- :mod:`.register`, :mod:`.actuals`, :mod:`.transfers` — the three input files (§6.1, §6.2, §6.4);
- :mod:`.case` — the case contract: its §6 fields, its versions, and each version expanded
  into a plain §1–5 contract that the existing engine runs (enterprise streams and one clause
  instance per eligible enterprise);
- :mod:`.compute` — the result of a case (versions spliced by year, entries carrying their
  enterprise and version);
- :mod:`.settle` — the yearly settlement (结算单, §6.4) and its renderings;
- :mod:`.identity` — the hashes of §6.5.
"""
