"""Validation: types, percent range, identities, anomalies. Data is never changed; findings are shown."""
from __future__ import annotations

import math
import statistics

from .schema import (ANOMALY_RATIO, ANOMALY_WINDOW, IDENTITY_ABS_TOL, IDENTITY_REL_TOL, Finding, Table)


# ---------------------------------------------------------------------------------------------
# Validation

def validate(table: Table) -> list[Finding]:
    """Types, percent range, identities, anomalies. Never changes the data."""
    s, df = table.schema, table.data
    out: list[Finding] = []
    out += _check_types(s, df)
    out += _check_labels(s)
    out += _check_identities(s, df)
    out += _check_anomalies(s, df)
    return out


def _check_types(s, df) -> list[Finding]:
    out = []
    for i, r in df.iterrows():
        v = r["value"]
        line = int(r["source_line"])
        # where the value is, for the reader-facing text (tables/format.py finding_text)
        where = {k: (r[k].item() if hasattr(r[k], "item") else r[k]) for k in ("year", "category", "group", "series")
                 if k in df.columns and r[k] not in (None, "") and r[k] == r[k]}
        if not isinstance(v, (int, float)) or math.isnan(v):
            out.append(Finding("error", s.source_file, line, f"{s.id}: value {v!r} is not a number", "", "type",
                               {**where, "value": str(v)}))
        elif r["unit"] == "%" and not 0 <= v <= 100:
            out.append(Finding("error", s.source_file, line, f"{s.id}: percentage {v} outside 0-100",
                               "check the value", "percent", {**where, "value": float(v), "unit": r["unit"]}))
        elif v < 0:
            out.append(Finding("warning", s.source_file, line, f"{s.id}: negative value {v}", "", "negative",
                               {**where, "value": float(v), "unit": r["unit"]}))
    return out


def _check_labels(s) -> list[Finding]:
    out = []
    for key, lab in s.labels.items():
        if not lab.en:
            out.append(Finding("warning", s.source_file, s.caption_line,
                               f"{s.id}: no English label for {lab.zh!r} ({key})",
                               f"add '{lab.zh}: ...' under labels in data/tables/presentation.yaml", "label"))
    if not s.caption.en:
        out.append(Finding("warning", s.source_file, s.caption_line, f"{s.id}: no English caption",
                           "add caption_en in data/tables/presentation.yaml", "label"))
    return out


def _check_identities(s, df) -> list[Finding]:
    out = []
    keyf = s.key_field
    for ident in s.identities:
        sub = df[df["series"].isin([ident["total"], *ident["parts"]])]
        if ident.get("group") and "group" in df:
            sub = sub[sub["group"] == ident["group"]]
        wide = sub.pivot_table(index=keyf, columns="series", values="value", aggfunc="first")
        lines = sub[sub["series"] == ident["total"]].set_index(keyf)["source_line"]
        missing = [c for c in [ident["total"], *ident["parts"]] if c not in wide.columns]
        if missing:
            out.append(Finding("error", s.source_file, s.caption_line,
                               f"{s.id}: identity names unknown series {missing}",
                               "fix identities in data/tables/presentation.yaml", "identity"))
            continue
        for k, r in wide.iterrows():
            total, parts = r[ident["total"]], sum(r[p] for p in ident["parts"])
            diff = abs(total - parts)
            if diff > IDENTITY_ABS_TOL and diff > IDENTITY_REL_TOL * abs(total):
                out.append(Finding("error", s.source_file, int(lines.get(k, 0)) or None,
                                   f"{s.id} {k}: {ident['total']} = {total:g} but "
                                   f"{' + '.join(ident['parts'])} = {parts:g} (difference {diff:.2f})",
                                   "check the three values against the original publication", "identity",
                                   {"key": int(k) if keyf == "year" else k, "total": ident["total"],
                                    "parts": list(ident["parts"]), "diff": round(diff, 4)}))
    return out


def _check_anomalies(s, df) -> list[Finding]:
    """A spike: a value >= ANOMALY_RATIO x (or <= 1/x) the median of its neighbours on BOTH sides.

    Requiring both sides keeps level shifts (a series that jumps and stays) and end points quiet.
    """
    if s.key_field != "year":
        return []
    out = []
    keys = [c for c in ("group", "series", "unit") if c in df.columns]
    for _, g in df.sort_values("year", kind="stable").groupby(keys, sort=False):
        vals, years, lines = list(g["value"]), list(g["year"]), list(g["source_line"])
        for i, v in enumerate(vals):
            left = vals[max(0, i - ANOMALY_WINDOW): i]
            right = vals[i + 1: i + 1 + ANOMALY_WINDOW]
            if not left or not right or v <= 0:
                continue
            ratios = [v / statistics.median(side) for side in (left, right) if statistics.median(side) > 0]
            if len(ratios) < 2:
                continue
            high = all(r >= ANOMALY_RATIO for r in ratios)
            low = all(r <= 1 / ANOMALY_RATIO for r in ratios)
            if high or low:
                r0 = g.iloc[i]
                med = statistics.median(left + right)
                what = " ".join(x for x in (r0.get("group", ""), r0["series"]) if x)
                unit = "%" if r0["unit"] == "%" else " " + r0["unit"]
                out.append(Finding("warning", s.source_file, int(lines[i]),
                                   f"{s.id} {years[i]} {what}: {v:g}{unit} is far from the values before "
                                   f"and after it (neighbours' median {med:g}; {v / med:.2f}x)",
                                   "compare with the original publication; if it is a typo there, "
                                   "record a correction in data/corrections", "anomaly",
                                   {"year": int(years[i]), "group": r0.get("group", "") or "",
                                    "series": r0["series"], "unit": r0["unit"], "value": float(v),
                                    "median": float(med)}))
    return out

SHOWN_FINDINGS = {"anomaly", "identity", "percent", "type", "negative", "source-diff"}

def table_findings(table: Table) -> list[Finding]:
    """Validation findings plus the differences from the source found by `reconcile`."""
    if table._findings is None:            # validation is pure: run it once per table
        table._findings = validate(table)
    return table._findings


def shown_findings(table: Table) -> list[Finding]:
    return [f for f in table_findings(table) if f.key in SHOWN_FINDINGS]
