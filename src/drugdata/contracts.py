"""The output contract: one pandera model per published table.

Validation, the DuckDB DDL, the Parquet (Arrow) schema, the files in `schemas/` and the data
dictionary are all derived from these models (see `schema_export.py`). Column names here are
fixed for apps and evaluations: add columns, never rename them.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = ["CONSOLIDATED_TABLES", "DOCUMENT_TABLES", "FACT_TABLES", "SCHEMA_VERSION", "TABLES"]

SCHEMA_VERSION = "1.2.0"  # 1.1.0: interactions.agent_role added; 1.2.0: interactions.example_of added

FREQUENCY_CLASSES = ["very_common", "common", "uncommon", "rare", "very_rare", "unknown"]
CONTEXTS = ["therapy", "withdrawal", "overdose", "allergic", "pregnancy", "neonatal"]
STATUSES = ["approved", "off_label", "investigational", "unspecified"]
AGENT_TYPES = ["drug", "drug_class", "substance"]
PHASES = ["start", "titration", "usual", "maintenance", "maximum", "taper", "single"]
SEVERITIES = ["major", "moderate", "minor"]
AGENT_ROLES = ["precipitant", "object"]
RECOMMENDATIONS = ["avoid", "adjust_dose", "monitor", "separate_administration", "caution"]
CONFLICT_KINDS = ["frequency_class", "max_daily_dose", "status"]
SOURCE_STATUSES = ["ok", "quarantined", "duplicate", "metadata", "container"]
FORMATS = ["text", "markdown", "html", "unknown"]
SECTION_STRUCT = "list<struct<heading: string, type: string, level: int32, span_start: int64, span_end: int64>>"


def _doc_id() -> Series[str]:
    return pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Document id: first 16 hex digits of the SHA-256 of the raw file.")


def _drug_id(nullable: bool = False) -> Series[str]:
    return pa.Field(nullable=nullable, str_matches=r"^[a-z0-9_]+$", description="Drug id: the generic name as a slug, from the drug vocabulary.")


class _Fact(pa.DataFrameModel):
    """Columns every fact row carries: its id, drug, document and evidence."""

    fact_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Stable row id: hash of the document, table, span and extracted values.")
    drug_id: Series[str] = _drug_id()
    doc_id: Series[str] = _doc_id()
    section: Series[str] = pa.Field(description="Canonical type of the section the evidence sits in ('other' when none).")
    evidence: Series[str] = pa.Field(str_length={"min_value": 1}, description="The sentence or list item the fact rests on, from documents.clean_text.")
    span_start: Series[int] = pa.Field(ge=0, description="Start of the mention in documents.clean_text (0-based, inclusive).")
    span_end: Series[int] = pa.Field(ge=1, description="End of the mention in documents.clean_text (exclusive).")

    @pa.dataframe_check(description="span_end must be greater than span_start")
    def span_order(cls, df: pd.DataFrame) -> Series[bool]:
        return df["span_end"] > df["span_start"]


class Sources(pa.DataFrameModel):
    """One row per file under the raw root, whatever became of it."""

    doc_id: Series[str] = _doc_id()
    path: Series[str] = pa.Field(unique=True, description="Path relative to the raw root, with forward slashes.")
    format: Series[str] = pa.Field(description="Detected input format (text, markdown, html; label formats later).")
    publisher: Series[str] = pa.Field(nullable=True, description="Site or organisation that published the page.")
    url: Series[str] = pa.Field(nullable=True, description="Where the page was retrieved from.")
    retrieved_at: Series[str] = pa.Field(nullable=True, description="When it was retrieved, ISO 8601 as given by the metadata.")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the raw bytes.")
    drug_id: Series[str] = _drug_id(nullable=True)
    status: Series[str] = pa.Field(isin=SOURCE_STATUSES, description="ok, quarantined (see reason), duplicate, metadata (manifest.csv, a .meta.json sidecar), or container (an openFDA bulk file whose records are documents `<path>#<n>`).")
    reason: Series[str] = pa.Field(nullable=True, description="Why the file was quarantined, in words a person understands.")
    notes: Series[str] = pa.Field(nullable=True, description="Remarks on reading a page that was kept, e.g. an encoding fallback.")
    n_chars_clean: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Length of the cleaned text.")
    title: Series[str] = pa.Field(nullable=True, description="Page title from metadata or markup.")
    n_bytes: Series[int] = pa.Field(ge=0, description="Size of the raw file in bytes.")

    class Config:
        strict = True
        coerce = True
        description = "One row per raw file: provenance and status."


class Documents(pa.DataFrameModel):
    """One row per document read successfully."""

    doc_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$", description="Document id, as in sources.")
    drug_id: Series[str] = _drug_id()
    clean_text: Series[str] = pa.Field(description="Cleaned text, one block per line; every span indexes it.")
    sections: Series[object] = pa.Field(description="Headings with canonical type, level and span in clean_text.", metadata={"type": SECTION_STRUCT})

    class Config:
        strict = True
        coerce = True
        description = "One row per readable document: the cleaned text and its sections."


class Drugs(pa.DataFrameModel):
    """One row per drug named by at least one document."""

    drug_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$", description="Drug id: generic name slug.")
    name: Series[str] = pa.Field(str_matches=r"^[^A-Z]+$", description="Generic name, lowercase.")
    brand_names: Series[object] = pa.Field(description="Brand names from the drug vocabulary.", metadata={"type": "list<string>"})
    drug_class: Series[str] = pa.Field(nullable=True, description="Pharmacologic class from the drug vocabulary.")
    rxcui: Series[str] = pa.Field(nullable=True, str_matches=r"^\d+$", description="RxNorm ingredient RxCUI when known.")
    n_documents: Series[int] = pa.Field(ge=1, description="Documents about this drug.")

    class Config:
        strict = True
        coerce = True
        description = "One row per drug identified in the corpus."


class Indications(_Fact):
    condition: Series[str] = pa.Field(description="The condition as written.")
    condition_name: Series[str] = pa.Field(description="Normalized condition name (ontology label when mapped).")
    condition_id: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z]+:[A-Za-z0-9_/.-]+$", description="CURIE (HP:, MESH:) or null when unmapped.")
    status: Series[str] = pa.Field(isin=STATUSES, description="approved, off_label, investigational or unspecified.")

    class Config:
        strict = True
        coerce = True
        description = "One row per document x condition mention the drug is said to treat."


class AdverseEffects(_Fact):
    effect: Series[str] = pa.Field(description="The effect as written.")
    effect_name: Series[str] = pa.Field(description="Normalized effect name (HPO label when mapped).")
    effect_id: Series[str] = pa.Field(nullable=True, str_matches=r"^HP:\d{7}$", description="HPO id or null when unmapped.")
    frequency_class: Series[str] = pa.Field(isin=FREQUENCY_CLASSES, description="CIOMS class: very_common >=10%, common 1-10%, uncommon 0.1-1%, rare 0.01-0.1%, very_rare <0.01%, unknown.")
    frequency_text: Series[str] = pa.Field(nullable=True, description="The frequency words and numbers the page gave, verbatim.")
    frequency_low_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Lower bound in percent when a number was given.")
    frequency_high_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Upper bound in percent when a number was given.")
    placebo_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Percent in the placebo arm of the label's adverse reaction table, when the row gives one.")
    serious: Series[bool] = pa.Field(description="The page calls the effect serious or urgent.")
    context: Series[str] = pa.Field(isin=CONTEXTS, description="therapy, withdrawal, overdose, allergic, pregnancy or neonatal.")
    route: Series[str] = pa.Field(nullable=True, description="Route the effect is tied to, when stated.")

    class Config:
        strict = True
        coerce = True
        description = "One row per document x statement x adverse effect."


class Interactions(_Fact):
    agent: Series[str] = pa.Field(description="The interacting drug, class or substance as written.")
    agent_name: Series[str] = pa.Field(description="Normalized agent name.")
    agent_id: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z]+:[A-Za-z0-9_/.-]+$", description="CURIE (RXCUI:, ATC:, CHEBI:, drugdata:) or null.")
    agent_type: Series[str] = pa.Field(isin=AGENT_TYPES, description="drug, drug_class or substance.")
    effect: Series[str] = pa.Field(nullable=True, description="What the combination does, as written.")
    recommendation: Series[str] = pa.Field(nullable=True, isin=RECOMMENDATIONS, description="Advice given: avoid, adjust_dose, monitor, separate_administration, caution.")
    severity: Series[str] = pa.Field(nullable=True, isin=SEVERITIES, description="major, moderate or minor, from the advice and effect words.")
    agent_role: Series[str] = pa.Field(nullable=True, isin=AGENT_ROLES, description="precipitant when the agent changes the document's drug ('cimetidine raises its levels'), object when the document's drug changes the agent ('raises digoxin levels'), null when the statement does not say.")
    example_of: Series[str] = pa.Field(nullable=True, description="The class or phrase, as written, that the statement names this agent as an example of ('strong CYP3A4 inhibitors (e.g., ketoconazole)'); null when the agent is named in its own right.")

    class Config:
        strict = True
        coerce = True
        description = "One row per document x statement x interacting agent."


class Dosing(_Fact):
    route: Series[str] = pa.Field(nullable=True, description="Route of administration.")
    dosage_form: Series[str] = pa.Field(nullable=True, description="Dosage form (tablet, oral solution, ...).")
    population: Series[str] = pa.Field(nullable=True, description="adult, pediatric, elderly, renal_impairment, hepatic_impairment.")
    indication: Series[str] = pa.Field(nullable=True, description="Condition the dose is for, when stated nearby.")
    regimen_phase: Series[str] = pa.Field(isin=PHASES, description="start, titration, usual, maintenance, maximum, taper or single.")
    dose_min: Series[float] = pa.Field(nullable=True, ge=0, description="Lower dose amount.")
    dose_max: Series[float] = pa.Field(nullable=True, ge=0, description="Upper dose amount (= dose_min for a single value).")
    dose_unit: Series[str] = pa.Field(nullable=True, description="mg, mcg, g, mL, units, mg/kg, %.")
    dose_basis: Series[str] = pa.Field(nullable=True, isin=["per_dose", "per_day"], description="Whether the amount is per dose or per day.")
    frequency_min_per_day: Series[float] = pa.Field(nullable=True, ge=0, le=24, description="Fewest administrations a day.")
    frequency_max_per_day: Series[float] = pa.Field(nullable=True, ge=0, le=24, description="Most administrations a day.")
    interval_days: Series[float] = pa.Field(nullable=True, ge=0, description="Days between steps or doses (e.g. titration every 3 days).")
    max_daily_dose: Series[float] = pa.Field(nullable=True, ge=0, description="Maximum daily dose when the page states one.")
    max_daily_dose_unit: Series[str] = pa.Field(nullable=True, description="Unit of max_daily_dose.")
    duration_days_min: Series[float] = pa.Field(nullable=True, ge=0, description="Shortest duration stated, in days.")
    duration_days_max: Series[float] = pa.Field(nullable=True, ge=0, description="Longest duration stated, in days.")

    class Config:
        strict = True
        coerce = True
        description = "One row per document x dose statement."


class Products(_Fact):
    dosage_form: Series[str] = pa.Field(nullable=True, description="Dosage form.")
    route: Series[str] = pa.Field(nullable=True, description="Route implied by the form.")
    strength: Series[float] = pa.Field(gt=0, description="Strength amount.")
    strength_unit: Series[str] = pa.Field(description="Strength unit (mg, mcg, mg/5 mL, ...).")

    class Config:
        strict = True
        coerce = True
        description = "One row per document x stated strength."


class Quarantine(pa.DataFrameModel):
    doc_id: Series[str] = pa.Field(nullable=True, description="Document id when the file could be hashed.")
    path: Series[str] = pa.Field(nullable=True, description="Raw path relative to the raw root.")
    table: Series[str] = pa.Field(description="Table the row was meant for, or 'sources' for unreadable pages.")
    reason: Series[str] = pa.Field(description="What failed, in words.")
    payload: Series[str] = pa.Field(nullable=True, description="The failing row as JSON, for inspection.")

    class Config:
        strict = True
        coerce = True
        description = "Rows that failed validation and pages that could not be read, with the reason."


# Consolidated tables: one row per drug and fact across documents, built in DuckDB from the
# per-document tables (see consolidate.py). Config.unique is the table's primary key.


class _Consolidated(pa.DataFrameModel):
    """Columns every consolidated row carries: its drug, its support and its first evidence."""

    drug_id: Series[str] = _drug_id()
    n_documents: Series[int] = pa.Field(ge=1, description="Documents that state the fact.")
    n_publishers: Series[int] = pa.Field(ge=0, description="Distinct publishers among those documents.")
    publishers: Series[object] = pa.Field(description="Publishers of the supporting documents, sorted.", metadata={"type": "list<string>"})
    fact_ids: Series[object] = pa.Field(description="fact_id of every supporting row in the per-document table.", metadata={"type": "list<string>"})
    evidence: Series[str] = pa.Field(str_length={"min_value": 1}, description="First evidence sentence (by source path and position).")
    evidence_doc_id: Series[str] = _doc_id()
    evidence_fact_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="fact_id of the row the evidence comes from.")


class DrugAdverseEffects(_Consolidated):
    effect_key: Series[str] = pa.Field(description="Merge key: the HPO id, or 'name:' and the normalized name when unmapped.")
    effect_id: Series[str] = pa.Field(nullable=True, str_matches=r"^HP:\d{7}$", description="HPO id or null when unmapped.")
    effect_name: Series[str] = pa.Field(description="Normalized effect name.")
    frequency_class: Series[str] = pa.Field(isin=FREQUENCY_CLASSES, description="The class most documents give (ties: the more frequent class); unknown when none gives one.")
    frequency_classes: Series[object] = pa.Field(description="Every class stated, most frequent first (unknown excluded).", metadata={"type": "list<string>"})
    frequency_votes: Series[str] = pa.Field(nullable=True, description="Documents per class, e.g. 'very_common=1, common=3'.")
    frequency_low_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Lowest percentage any document gives.")
    frequency_high_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Highest percentage any document gives.")
    serious: Series[bool] = pa.Field(description="At least one document calls the effect serious.")
    n_serious: Series[int] = pa.Field(ge=0, description="Documents that call it serious.")
    contexts: Series[object] = pa.Field(description="Contexts it is reported in (therapy, withdrawal, ...).", metadata={"type": "list<string>"})

    class Config:
        strict = True
        coerce = True
        unique = ("drug_id", "effect_key")
        description = "One row per drug x adverse effect across documents, with support and frequency spread."


class DrugIndications(_Consolidated):
    condition_key: Series[str] = pa.Field(description="Merge key: the condition id, or 'name:' and the normalized name.")
    condition_id: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z]+:[A-Za-z0-9_/.-]+$", description="CURIE or null when unmapped.")
    condition_name: Series[str] = pa.Field(description="Normalized condition name.")
    status: Series[str] = pa.Field(isin=STATUSES, description="The status most documents give (unspecified only when none states one).")
    statuses: Series[object] = pa.Field(description="Every status stated, unspecified excluded.", metadata={"type": "list<string>"})
    status_agreement: Series[bool] = pa.Field(description="True when the documents that state a status all state the same one.")

    class Config:
        strict = True
        coerce = True
        unique = ("drug_id", "condition_key")
        description = "One row per drug x condition across documents, with status agreement."


class DrugInteractions(_Consolidated):
    agent_key: Series[str] = pa.Field(description="Merge key: the agent id, or 'name:' and the normalized name.")
    agent_id: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z]+:[A-Za-z0-9_/.-]+$", description="CURIE or null.")
    agent_name: Series[str] = pa.Field(description="Normalized agent name.")
    agent_type: Series[str] = pa.Field(isin=AGENT_TYPES, description="drug, drug_class or substance.")
    recommendation: Series[str] = pa.Field(nullable=True, isin=RECOMMENDATIONS, description="The strongest advice any document gives.")
    recommendations: Series[object] = pa.Field(description="Every advice given, strongest first.", metadata={"type": "list<string>"})
    severity: Series[str] = pa.Field(nullable=True, isin=SEVERITIES, description="The highest severity any document gives.")
    effects: Series[object] = pa.Field(description="What the combination does, as the documents word it.", metadata={"type": "list<string>"})

    class Config:
        strict = True
        coerce = True
        unique = ("drug_id", "agent_key")
        description = "One row per drug x interacting agent across documents."


class DrugDosing(_Consolidated):
    dose_key: Series[str] = pa.Field(description="Merge key: route|population|phase|amount|unit|basis.")
    route: Series[str] = pa.Field(nullable=True, description="Route of administration.")
    population: Series[str] = pa.Field(nullable=True, description="Population the dose is for.")
    regimen_phase: Series[str] = pa.Field(isin=PHASES, description="start, titration, usual, maintenance, maximum, taper or single.")
    dose_min: Series[float] = pa.Field(ge=0, description="Lower dose amount.")
    dose_max: Series[float] = pa.Field(ge=0, description="Upper dose amount.")
    dose_unit: Series[str] = pa.Field(nullable=True, description="Unit of the amount.")
    dose_basis: Series[str] = pa.Field(nullable=True, isin=["per_dose", "per_day"], description="Per dose or per day.")
    times_per_day: Series[object] = pa.Field(description="Administrations a day the documents give with this amount, e.g. '3' or '1-3'.", metadata={"type": "list<string>"})

    class Config:
        strict = True
        coerce = True
        unique = ("drug_id", "dose_key")
        description = "One row per drug x route x population x phase x amount, with how many documents give it."


class Conflicts(pa.DataFrameModel):
    conflict_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="Id of the disagreement (drug, kind, subject); one row per side.")
    drug_id: Series[str] = _drug_id()
    kind: Series[str] = pa.Field(isin=CONFLICT_KINDS, description="frequency_class, max_daily_dose or status.")
    subject_key: Series[str] = pa.Field(description="What is disagreed on: effect key, condition key, or route|population for doses.")
    subject: Series[str] = pa.Field(description="The same in words: effect or condition name, or route and population.")
    value: Series[str] = pa.Field(description="What this side says (a class, a dose with unit, a status).")
    n_documents: Series[int] = pa.Field(ge=1, description="Documents on this side.")
    doc_ids: Series[object] = pa.Field(description="The documents on this side.", metadata={"type": "list<string>"})
    publishers: Series[object] = pa.Field(description="Their publishers.", metadata={"type": "list<string>"})
    fact_ids: Series[object] = pa.Field(description="The fact rows on this side.", metadata={"type": "list<string>"})
    evidence: Series[str] = pa.Field(str_length={"min_value": 1}, description="First evidence sentence on this side.")

    class Config:
        strict = True
        coerce = True
        unique = ("conflict_id", "value")
        description = "Disagreements between documents about a drug, one row per side."


DOCUMENT_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "sources": Sources,
    "documents": Documents,
    "drugs": Drugs,
    "indications": Indications,
    "adverse_effects": AdverseEffects,
    "interactions": Interactions,
    "dosing": Dosing,
    "products": Products,
    "quarantine": Quarantine,
}
CONSOLIDATED_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "drug_adverse_effects": DrugAdverseEffects,
    "drug_indications": DrugIndications,
    "drug_interactions": DrugInteractions,
    "drug_dosing": DrugDosing,
    "conflicts": Conflicts,
}
TABLES: dict[str, type[pa.DataFrameModel]] = {**DOCUMENT_TABLES, **CONSOLIDATED_TABLES}
FACT_TABLES = ("indications", "adverse_effects", "interactions", "dosing", "products")
