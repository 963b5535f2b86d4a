-- Views and macros for analysts, created in every published drugdata.duckdb.
-- Statements are separated by lines holding only ';' so comments may contain semicolons.

CREATE MACRO drug_lookup(drug_name) AS (
    SELECT min(drug_id) FROM drugs
    WHERE lower(name) = lower(trim(drug_name)) OR drug_id = lower(trim(drug_name))
       OR list_contains(list_transform(brand_names, b -> lower(b)), lower(trim(drug_name)))
)
;
COMMENT ON MACRO drug_lookup IS 'drug_id for a generic or brand name (case-insensitive), NULL when unknown.'
;
CREATE MACRO drug_profile(drug_name) AS TABLE
    WITH wanted AS (SELECT drug_lookup(drug_name) AS drug_id)
    SELECT kind, item, detail, n_documents, evidence FROM (
        SELECT 1 AS ord, 'indication' AS kind, condition_name AS item,
               status || CASE WHEN status_agreement THEN '' ELSE ' (sources disagree)' END AS detail,
               n_documents, evidence
        FROM drug_indications WHERE drug_id = (SELECT drug_id FROM wanted)
        UNION ALL
        SELECT 2, 'dose', concat_ws(', ', route, population, regimen_phase),
               regexp_replace(CAST(dose_min AS VARCHAR), '\.0$', '')
               || CASE WHEN dose_max > dose_min THEN '-' || regexp_replace(CAST(dose_max AS VARCHAR), '\.0$', '') ELSE '' END
               || ' ' || coalesce(dose_unit, '') || ' ' || coalesce(replace(dose_basis, '_', ' '), ''),
               n_documents, evidence
        FROM drug_dosing WHERE drug_id = (SELECT drug_id FROM wanted)
        UNION ALL
        SELECT 3, 'adverse_effect', effect_name,
               frequency_class || CASE WHEN serious THEN ', serious' ELSE '' END,
               n_documents, evidence
        FROM drug_adverse_effects WHERE drug_id = (SELECT drug_id FROM wanted)
        UNION ALL
        SELECT 4, 'interaction', agent_name, coalesce(recommendation, 'unspecified advice'), n_documents, evidence
        FROM drug_interactions WHERE drug_id = (SELECT drug_id FROM wanted)
    )
    ORDER BY ord, n_documents DESC, item
;
COMMENT ON MACRO TABLE drug_profile IS 'Everything known about one drug (generic or brand name): indications, doses, adverse effects, interactions, with support.'
;
CREATE MACRO interacting_drugs(agent) AS TABLE
    SELECT drug_id, agent_name, agent_type, recommendation, severity, n_documents, evidence
    FROM drug_interactions
    WHERE lower(agent_name) = lower(trim(agent)) OR agent_id = trim(agent)
    ORDER BY n_documents DESC, drug_id
;
COMMENT ON MACRO TABLE interacting_drugs IS 'Drugs whose pages name the agent (name or id) as interacting.'
;
CREATE VIEW fact_evidence AS
    SELECT 'indications' AS fact_table, f.fact_id, f.drug_id, f.doc_id, f.section, f.evidence, f.span_start, f.span_end,
           s.path, s.publisher, s.url, s.retrieved_at FROM indications f JOIN sources s USING (doc_id) WHERE s.status = 'ok'
    UNION ALL
    SELECT 'adverse_effects', f.fact_id, f.drug_id, f.doc_id, f.section, f.evidence, f.span_start, f.span_end,
           s.path, s.publisher, s.url, s.retrieved_at FROM adverse_effects f JOIN sources s USING (doc_id) WHERE s.status = 'ok'
    UNION ALL
    SELECT 'interactions', f.fact_id, f.drug_id, f.doc_id, f.section, f.evidence, f.span_start, f.span_end,
           s.path, s.publisher, s.url, s.retrieved_at FROM interactions f JOIN sources s USING (doc_id) WHERE s.status = 'ok'
    UNION ALL
    SELECT 'dosing', f.fact_id, f.drug_id, f.doc_id, f.section, f.evidence, f.span_start, f.span_end,
           s.path, s.publisher, s.url, s.retrieved_at FROM dosing f JOIN sources s USING (doc_id) WHERE s.status = 'ok'
    UNION ALL
    SELECT 'products', f.fact_id, f.drug_id, f.doc_id, f.section, f.evidence, f.span_start, f.span_end,
           s.path, s.publisher, s.url, s.retrieved_at FROM products f JOIN sources s USING (doc_id) WHERE s.status = 'ok'
;
COMMENT ON VIEW fact_evidence IS 'Every fact row with its evidence sentence and the page it comes from (path, publisher, url, retrieved date); join on fact_id, or unnest the fact_ids of a consolidated row.'
;
CREATE VIEW serious_adverse_effects AS
    SELECT drug_id, effect_name, effect_id, frequency_class, n_serious, n_documents, contexts, evidence
    FROM drug_adverse_effects
    WHERE serious
    ORDER BY drug_id, n_serious DESC, effect_name
;
COMMENT ON VIEW serious_adverse_effects IS 'Adverse effects at least one page calls serious, per drug.'
;
CREATE VIEW unmapped_terms AS
    SELECT 'adverse_effects' AS fact_table, effect_name AS term, count(*) AS n_rows, count(DISTINCT drug_id) AS n_drugs
    FROM adverse_effects WHERE effect_id IS NULL GROUP BY ALL
    UNION ALL
    SELECT 'indications', condition_name, count(*), count(DISTINCT drug_id)
    FROM indications WHERE condition_id IS NULL GROUP BY ALL
    UNION ALL
    SELECT 'interactions', agent_name, count(*), count(DISTINCT drug_id)
    FROM interactions WHERE agent_id IS NULL GROUP BY ALL
    ORDER BY fact_table, n_rows DESC, term
;
COMMENT ON VIEW unmapped_terms IS 'Terms that kept their text but got no ontology id, with how often they occur.'
;
CREATE VIEW publisher_summary AS
    SELECT coalesce(publisher, '(unknown)') AS publisher, count(*) AS n_files,
           count(*) FILTER (WHERE status = 'ok') AS n_ok,
           count(*) FILTER (WHERE status = 'quarantined') AS n_quarantined,
           count(*) FILTER (WHERE status = 'duplicate') AS n_duplicate,
           count(DISTINCT drug_id) AS n_drugs
    FROM sources
    WHERE status <> 'metadata'
    GROUP BY ALL
    ORDER BY n_files DESC, publisher
;
COMMENT ON VIEW publisher_summary IS 'Page files per publisher and what became of them (metadata files left out).'
