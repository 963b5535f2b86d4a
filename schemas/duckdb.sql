CREATE TABLE sources (
    "doc_id" VARCHAR NOT NULL,
    "path" VARCHAR NOT NULL,
    "format" VARCHAR NOT NULL,
    "publisher" VARCHAR,
    "url" VARCHAR,
    "retrieved_at" VARCHAR,
    "sha256" VARCHAR NOT NULL,
    "drug_id" VARCHAR,
    "status" VARCHAR NOT NULL,
    "reason" VARCHAR,
    "notes" VARCHAR,
    "n_chars_clean" BIGINT,
    "title" VARCHAR,
    "n_bytes" BIGINT NOT NULL
);
COMMENT ON TABLE sources IS 'One row per raw file: provenance and status.';
COMMENT ON COLUMN sources."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN sources."path" IS 'Path relative to the raw root, with forward slashes.';
COMMENT ON COLUMN sources."format" IS 'Detected input format (text, markdown, html; label formats later).';
COMMENT ON COLUMN sources."publisher" IS 'Site or organisation that published the page.';
COMMENT ON COLUMN sources."url" IS 'Where the page was retrieved from.';
COMMENT ON COLUMN sources."retrieved_at" IS 'When it was retrieved, ISO 8601 as given by the metadata.';
COMMENT ON COLUMN sources."sha256" IS 'SHA-256 of the raw bytes.';
COMMENT ON COLUMN sources."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN sources."status" IS 'ok, quarantined (see reason), duplicate, metadata (manifest.csv, a .meta.json sidecar), or container (an openFDA bulk file whose records are documents `<path>#<n>`).';
COMMENT ON COLUMN sources."reason" IS 'Why the file was quarantined, in words a person understands.';
COMMENT ON COLUMN sources."notes" IS 'Remarks on reading a page that was kept, e.g. an encoding fallback.';
COMMENT ON COLUMN sources."n_chars_clean" IS 'Length of the cleaned text.';
COMMENT ON COLUMN sources."title" IS 'Page title from metadata or markup.';
COMMENT ON COLUMN sources."n_bytes" IS 'Size of the raw file in bytes.';

CREATE TABLE documents (
    "doc_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "clean_text" VARCHAR NOT NULL,
    "sections" STRUCT(heading VARCHAR, type VARCHAR, level INTEGER, span_start BIGINT, span_end BIGINT)[] NOT NULL
);
COMMENT ON TABLE documents IS 'One row per readable document: the cleaned text and its sections.';
COMMENT ON COLUMN documents."doc_id" IS 'Document id, as in sources.';
COMMENT ON COLUMN documents."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN documents."clean_text" IS 'Cleaned text, one block per line; every span indexes it.';
COMMENT ON COLUMN documents."sections" IS 'Headings with canonical type, level and span in clean_text.';

CREATE TABLE drugs (
    "drug_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL,
    "brand_names" VARCHAR[] NOT NULL,
    "drug_class" VARCHAR,
    "rxcui" VARCHAR,
    "n_documents" BIGINT NOT NULL
);
COMMENT ON TABLE drugs IS 'One row per drug identified in the corpus.';
COMMENT ON COLUMN drugs."drug_id" IS 'Drug id: generic name slug.';
COMMENT ON COLUMN drugs."name" IS 'Generic name, lowercase.';
COMMENT ON COLUMN drugs."brand_names" IS 'Brand names from the drug vocabulary.';
COMMENT ON COLUMN drugs."drug_class" IS 'Pharmacologic class from the drug vocabulary.';
COMMENT ON COLUMN drugs."rxcui" IS 'RxNorm ingredient RxCUI when known.';
COMMENT ON COLUMN drugs."n_documents" IS 'Documents about this drug.';

CREATE TABLE indications (
    "fact_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "doc_id" VARCHAR NOT NULL,
    "condition" VARCHAR NOT NULL,
    "condition_name" VARCHAR NOT NULL,
    "condition_id" VARCHAR,
    "status" VARCHAR NOT NULL,
    "section" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL,
    "span_start" BIGINT NOT NULL,
    "span_end" BIGINT NOT NULL
);
COMMENT ON TABLE indications IS 'One row per document x condition mention the drug is said to treat.';
COMMENT ON COLUMN indications."fact_id" IS 'Stable row id: hash of the document, table, span and extracted values.';
COMMENT ON COLUMN indications."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN indications."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN indications."condition" IS 'The condition as written.';
COMMENT ON COLUMN indications."condition_name" IS 'Normalized condition name (ontology label when mapped).';
COMMENT ON COLUMN indications."condition_id" IS 'CURIE (HP:, MESH:) or null when unmapped.';
COMMENT ON COLUMN indications."status" IS 'approved, off_label, investigational or unspecified.';
COMMENT ON COLUMN indications."section" IS 'Canonical type of the section the evidence sits in (''other'' when none).';
COMMENT ON COLUMN indications."evidence" IS 'The sentence or list item the fact rests on, from documents.clean_text.';
COMMENT ON COLUMN indications."span_start" IS 'Start of the mention in documents.clean_text (0-based, inclusive).';
COMMENT ON COLUMN indications."span_end" IS 'End of the mention in documents.clean_text (exclusive).';

CREATE TABLE adverse_effects (
    "fact_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "doc_id" VARCHAR NOT NULL,
    "effect" VARCHAR NOT NULL,
    "effect_name" VARCHAR NOT NULL,
    "effect_id" VARCHAR,
    "frequency_class" VARCHAR NOT NULL,
    "frequency_text" VARCHAR,
    "frequency_low_pct" DOUBLE,
    "frequency_high_pct" DOUBLE,
    "placebo_pct" DOUBLE,
    "serious" BOOLEAN NOT NULL,
    "context" VARCHAR NOT NULL,
    "route" VARCHAR,
    "section" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL,
    "span_start" BIGINT NOT NULL,
    "span_end" BIGINT NOT NULL
);
COMMENT ON TABLE adverse_effects IS 'One row per document x statement x adverse effect.';
COMMENT ON COLUMN adverse_effects."fact_id" IS 'Stable row id: hash of the document, table, span and extracted values.';
COMMENT ON COLUMN adverse_effects."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN adverse_effects."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN adverse_effects."effect" IS 'The effect as written.';
COMMENT ON COLUMN adverse_effects."effect_name" IS 'Normalized effect name (HPO label when mapped).';
COMMENT ON COLUMN adverse_effects."effect_id" IS 'HPO id or null when unmapped.';
COMMENT ON COLUMN adverse_effects."frequency_class" IS 'CIOMS class: very_common >=10%, common 1-10%, uncommon 0.1-1%, rare 0.01-0.1%, very_rare <0.01%, unknown.';
COMMENT ON COLUMN adverse_effects."frequency_text" IS 'The frequency words and numbers the page gave, verbatim.';
COMMENT ON COLUMN adverse_effects."frequency_low_pct" IS 'Lower bound in percent when a number was given.';
COMMENT ON COLUMN adverse_effects."frequency_high_pct" IS 'Upper bound in percent when a number was given.';
COMMENT ON COLUMN adverse_effects."placebo_pct" IS 'Percent in the placebo arm of the label''s adverse reaction table, when the row gives one.';
COMMENT ON COLUMN adverse_effects."serious" IS 'The page calls the effect serious or urgent.';
COMMENT ON COLUMN adverse_effects."context" IS 'therapy, withdrawal, overdose, allergic, pregnancy or neonatal.';
COMMENT ON COLUMN adverse_effects."route" IS 'Route the effect is tied to, when stated.';
COMMENT ON COLUMN adverse_effects."section" IS 'Canonical type of the section the evidence sits in (''other'' when none).';
COMMENT ON COLUMN adverse_effects."evidence" IS 'The sentence or list item the fact rests on, from documents.clean_text.';
COMMENT ON COLUMN adverse_effects."span_start" IS 'Start of the mention in documents.clean_text (0-based, inclusive).';
COMMENT ON COLUMN adverse_effects."span_end" IS 'End of the mention in documents.clean_text (exclusive).';

CREATE TABLE interactions (
    "fact_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "doc_id" VARCHAR NOT NULL,
    "agent" VARCHAR NOT NULL,
    "agent_name" VARCHAR NOT NULL,
    "agent_id" VARCHAR,
    "agent_type" VARCHAR NOT NULL,
    "effect" VARCHAR,
    "recommendation" VARCHAR,
    "severity" VARCHAR,
    "agent_role" VARCHAR,
    "example_of" VARCHAR,
    "section" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL,
    "span_start" BIGINT NOT NULL,
    "span_end" BIGINT NOT NULL
);
COMMENT ON TABLE interactions IS 'One row per document x statement x interacting agent.';
COMMENT ON COLUMN interactions."fact_id" IS 'Stable row id: hash of the document, table, span and extracted values.';
COMMENT ON COLUMN interactions."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN interactions."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN interactions."agent" IS 'The interacting drug, class or substance as written.';
COMMENT ON COLUMN interactions."agent_name" IS 'Normalized agent name.';
COMMENT ON COLUMN interactions."agent_id" IS 'CURIE (RXCUI:, ATC:, CHEBI:, drugdata:) or null.';
COMMENT ON COLUMN interactions."agent_type" IS 'drug, drug_class or substance.';
COMMENT ON COLUMN interactions."effect" IS 'What the combination does, as written.';
COMMENT ON COLUMN interactions."recommendation" IS 'Advice given: avoid, adjust_dose, monitor, separate_administration, caution.';
COMMENT ON COLUMN interactions."severity" IS 'major, moderate or minor, from the advice and effect words.';
COMMENT ON COLUMN interactions."agent_role" IS 'precipitant when the agent changes the document''s drug (''cimetidine raises its levels''), object when the document''s drug changes the agent (''raises digoxin levels''), null when the statement does not say.';
COMMENT ON COLUMN interactions."example_of" IS 'The class or phrase, as written, that the statement names this agent as an example of (''strong CYP3A4 inhibitors (e.g., ketoconazole)''); null when the agent is named in its own right.';
COMMENT ON COLUMN interactions."section" IS 'Canonical type of the section the evidence sits in (''other'' when none).';
COMMENT ON COLUMN interactions."evidence" IS 'The sentence or list item the fact rests on, from documents.clean_text.';
COMMENT ON COLUMN interactions."span_start" IS 'Start of the mention in documents.clean_text (0-based, inclusive).';
COMMENT ON COLUMN interactions."span_end" IS 'End of the mention in documents.clean_text (exclusive).';

CREATE TABLE dosing (
    "fact_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "doc_id" VARCHAR NOT NULL,
    "route" VARCHAR,
    "dosage_form" VARCHAR,
    "population" VARCHAR,
    "indication" VARCHAR,
    "regimen_phase" VARCHAR NOT NULL,
    "dose_min" DOUBLE,
    "dose_max" DOUBLE,
    "dose_unit" VARCHAR,
    "dose_basis" VARCHAR,
    "frequency_min_per_day" DOUBLE,
    "frequency_max_per_day" DOUBLE,
    "interval_days" DOUBLE,
    "max_daily_dose" DOUBLE,
    "max_daily_dose_unit" VARCHAR,
    "duration_days_min" DOUBLE,
    "duration_days_max" DOUBLE,
    "section" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL,
    "span_start" BIGINT NOT NULL,
    "span_end" BIGINT NOT NULL
);
COMMENT ON TABLE dosing IS 'One row per document x dose statement.';
COMMENT ON COLUMN dosing."fact_id" IS 'Stable row id: hash of the document, table, span and extracted values.';
COMMENT ON COLUMN dosing."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN dosing."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN dosing."route" IS 'Route of administration.';
COMMENT ON COLUMN dosing."dosage_form" IS 'Dosage form (tablet, oral solution, ...).';
COMMENT ON COLUMN dosing."population" IS 'adult, pediatric, elderly, renal_impairment, hepatic_impairment.';
COMMENT ON COLUMN dosing."indication" IS 'Condition the dose is for, when stated nearby.';
COMMENT ON COLUMN dosing."regimen_phase" IS 'start, titration, usual, maintenance, maximum, taper or single.';
COMMENT ON COLUMN dosing."dose_min" IS 'Lower dose amount.';
COMMENT ON COLUMN dosing."dose_max" IS 'Upper dose amount (= dose_min for a single value).';
COMMENT ON COLUMN dosing."dose_unit" IS 'mg, mcg, g, mL, units, mg/kg, %.';
COMMENT ON COLUMN dosing."dose_basis" IS 'Whether the amount is per dose or per day.';
COMMENT ON COLUMN dosing."frequency_min_per_day" IS 'Fewest administrations a day.';
COMMENT ON COLUMN dosing."frequency_max_per_day" IS 'Most administrations a day.';
COMMENT ON COLUMN dosing."interval_days" IS 'Days between steps or doses (e.g. titration every 3 days).';
COMMENT ON COLUMN dosing."max_daily_dose" IS 'Maximum daily dose when the page states one.';
COMMENT ON COLUMN dosing."max_daily_dose_unit" IS 'Unit of max_daily_dose.';
COMMENT ON COLUMN dosing."duration_days_min" IS 'Shortest duration stated, in days.';
COMMENT ON COLUMN dosing."duration_days_max" IS 'Longest duration stated, in days.';
COMMENT ON COLUMN dosing."section" IS 'Canonical type of the section the evidence sits in (''other'' when none).';
COMMENT ON COLUMN dosing."evidence" IS 'The sentence or list item the fact rests on, from documents.clean_text.';
COMMENT ON COLUMN dosing."span_start" IS 'Start of the mention in documents.clean_text (0-based, inclusive).';
COMMENT ON COLUMN dosing."span_end" IS 'End of the mention in documents.clean_text (exclusive).';

CREATE TABLE products (
    "fact_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "doc_id" VARCHAR NOT NULL,
    "dosage_form" VARCHAR,
    "route" VARCHAR,
    "strength" DOUBLE NOT NULL,
    "strength_unit" VARCHAR NOT NULL,
    "section" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL,
    "span_start" BIGINT NOT NULL,
    "span_end" BIGINT NOT NULL
);
COMMENT ON TABLE products IS 'One row per document x stated strength.';
COMMENT ON COLUMN products."fact_id" IS 'Stable row id: hash of the document, table, span and extracted values.';
COMMENT ON COLUMN products."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN products."doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN products."dosage_form" IS 'Dosage form.';
COMMENT ON COLUMN products."route" IS 'Route implied by the form.';
COMMENT ON COLUMN products."strength" IS 'Strength amount.';
COMMENT ON COLUMN products."strength_unit" IS 'Strength unit (mg, mcg, mg/5 mL, ...).';
COMMENT ON COLUMN products."section" IS 'Canonical type of the section the evidence sits in (''other'' when none).';
COMMENT ON COLUMN products."evidence" IS 'The sentence or list item the fact rests on, from documents.clean_text.';
COMMENT ON COLUMN products."span_start" IS 'Start of the mention in documents.clean_text (0-based, inclusive).';
COMMENT ON COLUMN products."span_end" IS 'End of the mention in documents.clean_text (exclusive).';

CREATE TABLE quarantine (
    "doc_id" VARCHAR,
    "path" VARCHAR,
    "table" VARCHAR NOT NULL,
    "reason" VARCHAR NOT NULL,
    "payload" VARCHAR
);
COMMENT ON TABLE quarantine IS 'Rows that failed validation and pages that could not be read, with the reason.';
COMMENT ON COLUMN quarantine."doc_id" IS 'Document id when the file could be hashed.';
COMMENT ON COLUMN quarantine."path" IS 'Raw path relative to the raw root.';
COMMENT ON COLUMN quarantine."table" IS 'Table the row was meant for, or ''sources'' for unreadable pages.';
COMMENT ON COLUMN quarantine."reason" IS 'What failed, in words.';
COMMENT ON COLUMN quarantine."payload" IS 'The failing row as JSON, for inspection.';

CREATE TABLE drug_adverse_effects (
    "drug_id" VARCHAR NOT NULL,
    "effect_key" VARCHAR NOT NULL,
    "effect_id" VARCHAR,
    "effect_name" VARCHAR NOT NULL,
    "frequency_class" VARCHAR NOT NULL,
    "frequency_classes" VARCHAR[] NOT NULL,
    "frequency_votes" VARCHAR,
    "frequency_low_pct" DOUBLE,
    "frequency_high_pct" DOUBLE,
    "serious" BOOLEAN NOT NULL,
    "n_serious" BIGINT NOT NULL,
    "contexts" VARCHAR[] NOT NULL,
    "n_documents" BIGINT NOT NULL,
    "n_publishers" BIGINT NOT NULL,
    "publishers" VARCHAR[] NOT NULL,
    "fact_ids" VARCHAR[] NOT NULL,
    "evidence_doc_id" VARCHAR NOT NULL,
    "evidence_fact_id" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL
);
COMMENT ON TABLE drug_adverse_effects IS 'One row per drug x adverse effect across documents, with support and frequency spread.';
COMMENT ON COLUMN drug_adverse_effects."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN drug_adverse_effects."effect_key" IS 'Merge key: the HPO id, or ''name:'' and the normalized name when unmapped.';
COMMENT ON COLUMN drug_adverse_effects."effect_id" IS 'HPO id or null when unmapped.';
COMMENT ON COLUMN drug_adverse_effects."effect_name" IS 'Normalized effect name.';
COMMENT ON COLUMN drug_adverse_effects."frequency_class" IS 'The class most documents give (ties: the more frequent class); unknown when none gives one.';
COMMENT ON COLUMN drug_adverse_effects."frequency_classes" IS 'Every class stated, most frequent first (unknown excluded).';
COMMENT ON COLUMN drug_adverse_effects."frequency_votes" IS 'Documents per class, e.g. ''very_common=1, common=3''.';
COMMENT ON COLUMN drug_adverse_effects."frequency_low_pct" IS 'Lowest percentage any document gives.';
COMMENT ON COLUMN drug_adverse_effects."frequency_high_pct" IS 'Highest percentage any document gives.';
COMMENT ON COLUMN drug_adverse_effects."serious" IS 'At least one document calls the effect serious.';
COMMENT ON COLUMN drug_adverse_effects."n_serious" IS 'Documents that call it serious.';
COMMENT ON COLUMN drug_adverse_effects."contexts" IS 'Contexts it is reported in (therapy, withdrawal, ...).';
COMMENT ON COLUMN drug_adverse_effects."n_documents" IS 'Documents that state the fact.';
COMMENT ON COLUMN drug_adverse_effects."n_publishers" IS 'Distinct publishers among those documents.';
COMMENT ON COLUMN drug_adverse_effects."publishers" IS 'Publishers of the supporting documents, sorted.';
COMMENT ON COLUMN drug_adverse_effects."fact_ids" IS 'fact_id of every supporting row in the per-document table.';
COMMENT ON COLUMN drug_adverse_effects."evidence_doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN drug_adverse_effects."evidence_fact_id" IS 'fact_id of the row the evidence comes from.';
COMMENT ON COLUMN drug_adverse_effects."evidence" IS 'First evidence sentence (by source path and position).';

CREATE TABLE drug_indications (
    "drug_id" VARCHAR NOT NULL,
    "condition_key" VARCHAR NOT NULL,
    "condition_id" VARCHAR,
    "condition_name" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "statuses" VARCHAR[] NOT NULL,
    "status_agreement" BOOLEAN NOT NULL,
    "n_documents" BIGINT NOT NULL,
    "n_publishers" BIGINT NOT NULL,
    "publishers" VARCHAR[] NOT NULL,
    "fact_ids" VARCHAR[] NOT NULL,
    "evidence_doc_id" VARCHAR NOT NULL,
    "evidence_fact_id" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL
);
COMMENT ON TABLE drug_indications IS 'One row per drug x condition across documents, with status agreement.';
COMMENT ON COLUMN drug_indications."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN drug_indications."condition_key" IS 'Merge key: the condition id, or ''name:'' and the normalized name.';
COMMENT ON COLUMN drug_indications."condition_id" IS 'CURIE or null when unmapped.';
COMMENT ON COLUMN drug_indications."condition_name" IS 'Normalized condition name.';
COMMENT ON COLUMN drug_indications."status" IS 'The status most documents give (unspecified only when none states one).';
COMMENT ON COLUMN drug_indications."statuses" IS 'Every status stated, unspecified excluded.';
COMMENT ON COLUMN drug_indications."status_agreement" IS 'True when the documents that state a status all state the same one.';
COMMENT ON COLUMN drug_indications."n_documents" IS 'Documents that state the fact.';
COMMENT ON COLUMN drug_indications."n_publishers" IS 'Distinct publishers among those documents.';
COMMENT ON COLUMN drug_indications."publishers" IS 'Publishers of the supporting documents, sorted.';
COMMENT ON COLUMN drug_indications."fact_ids" IS 'fact_id of every supporting row in the per-document table.';
COMMENT ON COLUMN drug_indications."evidence_doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN drug_indications."evidence_fact_id" IS 'fact_id of the row the evidence comes from.';
COMMENT ON COLUMN drug_indications."evidence" IS 'First evidence sentence (by source path and position).';

CREATE TABLE drug_interactions (
    "drug_id" VARCHAR NOT NULL,
    "agent_key" VARCHAR NOT NULL,
    "agent_id" VARCHAR,
    "agent_name" VARCHAR NOT NULL,
    "agent_type" VARCHAR NOT NULL,
    "recommendation" VARCHAR,
    "recommendations" VARCHAR[] NOT NULL,
    "severity" VARCHAR,
    "effects" VARCHAR[] NOT NULL,
    "n_documents" BIGINT NOT NULL,
    "n_publishers" BIGINT NOT NULL,
    "publishers" VARCHAR[] NOT NULL,
    "fact_ids" VARCHAR[] NOT NULL,
    "evidence_doc_id" VARCHAR NOT NULL,
    "evidence_fact_id" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL
);
COMMENT ON TABLE drug_interactions IS 'One row per drug x interacting agent across documents.';
COMMENT ON COLUMN drug_interactions."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN drug_interactions."agent_key" IS 'Merge key: the agent id, or ''name:'' and the normalized name.';
COMMENT ON COLUMN drug_interactions."agent_id" IS 'CURIE or null.';
COMMENT ON COLUMN drug_interactions."agent_name" IS 'Normalized agent name.';
COMMENT ON COLUMN drug_interactions."agent_type" IS 'drug, drug_class or substance.';
COMMENT ON COLUMN drug_interactions."recommendation" IS 'The strongest advice any document gives.';
COMMENT ON COLUMN drug_interactions."recommendations" IS 'Every advice given, strongest first.';
COMMENT ON COLUMN drug_interactions."severity" IS 'The highest severity any document gives.';
COMMENT ON COLUMN drug_interactions."effects" IS 'What the combination does, as the documents word it.';
COMMENT ON COLUMN drug_interactions."n_documents" IS 'Documents that state the fact.';
COMMENT ON COLUMN drug_interactions."n_publishers" IS 'Distinct publishers among those documents.';
COMMENT ON COLUMN drug_interactions."publishers" IS 'Publishers of the supporting documents, sorted.';
COMMENT ON COLUMN drug_interactions."fact_ids" IS 'fact_id of every supporting row in the per-document table.';
COMMENT ON COLUMN drug_interactions."evidence_doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN drug_interactions."evidence_fact_id" IS 'fact_id of the row the evidence comes from.';
COMMENT ON COLUMN drug_interactions."evidence" IS 'First evidence sentence (by source path and position).';

CREATE TABLE drug_dosing (
    "drug_id" VARCHAR NOT NULL,
    "dose_key" VARCHAR NOT NULL,
    "route" VARCHAR,
    "population" VARCHAR,
    "regimen_phase" VARCHAR NOT NULL,
    "dose_min" DOUBLE NOT NULL,
    "dose_max" DOUBLE NOT NULL,
    "dose_unit" VARCHAR,
    "dose_basis" VARCHAR,
    "times_per_day" VARCHAR[] NOT NULL,
    "n_documents" BIGINT NOT NULL,
    "n_publishers" BIGINT NOT NULL,
    "publishers" VARCHAR[] NOT NULL,
    "fact_ids" VARCHAR[] NOT NULL,
    "evidence_doc_id" VARCHAR NOT NULL,
    "evidence_fact_id" VARCHAR NOT NULL,
    "evidence" VARCHAR NOT NULL
);
COMMENT ON TABLE drug_dosing IS 'One row per drug x route x population x phase x amount, with how many documents give it.';
COMMENT ON COLUMN drug_dosing."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN drug_dosing."dose_key" IS 'Merge key: route|population|phase|amount|unit|basis.';
COMMENT ON COLUMN drug_dosing."route" IS 'Route of administration.';
COMMENT ON COLUMN drug_dosing."population" IS 'Population the dose is for.';
COMMENT ON COLUMN drug_dosing."regimen_phase" IS 'start, titration, usual, maintenance, maximum, taper or single.';
COMMENT ON COLUMN drug_dosing."dose_min" IS 'Lower dose amount.';
COMMENT ON COLUMN drug_dosing."dose_max" IS 'Upper dose amount.';
COMMENT ON COLUMN drug_dosing."dose_unit" IS 'Unit of the amount.';
COMMENT ON COLUMN drug_dosing."dose_basis" IS 'Per dose or per day.';
COMMENT ON COLUMN drug_dosing."times_per_day" IS 'Administrations a day the documents give with this amount, e.g. ''3'' or ''1-3''.';
COMMENT ON COLUMN drug_dosing."n_documents" IS 'Documents that state the fact.';
COMMENT ON COLUMN drug_dosing."n_publishers" IS 'Distinct publishers among those documents.';
COMMENT ON COLUMN drug_dosing."publishers" IS 'Publishers of the supporting documents, sorted.';
COMMENT ON COLUMN drug_dosing."fact_ids" IS 'fact_id of every supporting row in the per-document table.';
COMMENT ON COLUMN drug_dosing."evidence_doc_id" IS 'Document id: first 16 hex digits of the SHA-256 of the raw file.';
COMMENT ON COLUMN drug_dosing."evidence_fact_id" IS 'fact_id of the row the evidence comes from.';
COMMENT ON COLUMN drug_dosing."evidence" IS 'First evidence sentence (by source path and position).';

CREATE TABLE conflicts (
    "conflict_id" VARCHAR NOT NULL,
    "drug_id" VARCHAR NOT NULL,
    "kind" VARCHAR NOT NULL,
    "subject_key" VARCHAR NOT NULL,
    "subject" VARCHAR NOT NULL,
    "value" VARCHAR NOT NULL,
    "doc_ids" VARCHAR[] NOT NULL,
    "n_documents" BIGINT NOT NULL,
    "publishers" VARCHAR[] NOT NULL,
    "fact_ids" VARCHAR[] NOT NULL,
    "evidence" VARCHAR NOT NULL
);
COMMENT ON TABLE conflicts IS 'Disagreements between documents about a drug, one row per side.';
COMMENT ON COLUMN conflicts."conflict_id" IS 'Id of the disagreement (drug, kind, subject); one row per side.';
COMMENT ON COLUMN conflicts."drug_id" IS 'Drug id: the generic name as a slug, from the drug vocabulary.';
COMMENT ON COLUMN conflicts."kind" IS 'frequency_class, max_daily_dose or status.';
COMMENT ON COLUMN conflicts."subject_key" IS 'What is disagreed on: effect key, condition key, or route|population for doses.';
COMMENT ON COLUMN conflicts."subject" IS 'The same in words: effect or condition name, or route and population.';
COMMENT ON COLUMN conflicts."value" IS 'What this side says (a class, a dose with unit, a status).';
COMMENT ON COLUMN conflicts."doc_ids" IS 'The documents on this side.';
COMMENT ON COLUMN conflicts."n_documents" IS 'Documents on this side.';
COMMENT ON COLUMN conflicts."publishers" IS 'Their publishers.';
COMMENT ON COLUMN conflicts."fact_ids" IS 'The fact rows on this side.';
COMMENT ON COLUMN conflicts."evidence" IS 'First evidence sentence on this side.';
