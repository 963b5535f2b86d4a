-- Disagreements between documents about one drug, one row per side: the frequency class of an
-- effect on therapy, the approval status of a condition, the maximum daily dose for a route and
-- population. A subject is disputed when >= 2 documents give >= 2 values and some document does
-- not give them all (one page saying "80 mg, some up to 120 mg" alone is not a conflict).
WITH effect_sides AS (
    SELECT a.drug_id, 'frequency_class' AS kind,
           coalesce(a.effect_id, 'name:' || lower(a.effect_name)) AS subject_key,
           a.effect_name AS subject, a.frequency_class AS value,
           a.doc_id, s.publisher, a.fact_id, a.evidence,
           evidence_order(s.path, a.span_start, a.fact_id) AS ord
    FROM adverse_effects a JOIN ok_sources s USING (doc_id)
    WHERE a.context = 'therapy' AND a.frequency_class <> 'unknown'
),
status_sides AS (
    SELECT i.drug_id, 'status' AS kind,
           coalesce(i.condition_id, 'name:' || lower(i.condition_name)) AS subject_key,
           i.condition_name AS subject, i.status AS value,
           i.doc_id, s.publisher, i.fact_id, i.evidence,
           evidence_order(s.path, i.span_start, i.fact_id) AS ord
    FROM indications i JOIN ok_sources s USING (doc_id)
    WHERE i.status <> 'unspecified'
),
only_route AS (  -- a dose with no route takes the drug's one route for that unit, if it has one
    SELECT drug_id, max_daily_dose_unit, any_value(route) AS route
    FROM dosing
    WHERE route IS NOT NULL AND max_daily_dose IS NOT NULL
    GROUP BY ALL
    HAVING count(DISTINCT route) = 1
),
dose_sides AS (
    SELECT d.drug_id, 'max_daily_dose' AS kind,
           concat_ws('|', coalesce(d.route, r.route, 'any route'), coalesce(d.population, 'adult'),
                     d.max_daily_dose_unit) AS subject_key,
           concat_ws(', ', coalesce(d.route, r.route, 'any route'), coalesce(d.population, 'adult')) AS subject,
           num(d.max_daily_dose) || ' ' || d.max_daily_dose_unit || '/day' AS value,
           d.doc_id, s.publisher, d.fact_id, d.evidence,
           evidence_order(s.path, d.span_start, d.fact_id) AS ord
    FROM dosing d
    JOIN ok_sources s USING (doc_id)
    LEFT JOIN only_route r ON r.drug_id = d.drug_id AND r.max_daily_dose_unit = d.max_daily_dose_unit
    WHERE d.max_daily_dose IS NOT NULL AND d.max_daily_dose_unit IS NOT NULL
),
sides AS (
    SELECT * FROM effect_sides
    UNION ALL SELECT * FROM status_sides
    UNION ALL SELECT * FROM dose_sides
),
subjects AS (
    SELECT drug_id, kind, subject_key, min_by(subject, ord) AS subject,
           count(DISTINCT value) AS n_values, count(DISTINCT doc_id) AS n_docs
    FROM sides
    GROUP BY ALL
),
fewest_per_doc AS (  -- the fewest values any one document gives on the subject
    SELECT drug_id, kind, subject_key, min(n_values) AS fewest
    FROM (SELECT drug_id, kind, subject_key, doc_id, count(DISTINCT value) AS n_values FROM sides GROUP BY ALL)
    GROUP BY ALL
),
disputed AS (
    SELECT t.drug_id, t.kind, t.subject_key, t.subject
    FROM subjects t JOIN fewest_per_doc f USING (drug_id, kind, subject_key)
    WHERE t.n_values > 1 AND t.n_docs > 1 AND f.fewest < t.n_values
)
SELECT left(md5(concat_ws('|', d.drug_id, d.kind, d.subject_key)), 16) AS conflict_id,
       d.drug_id, d.kind, d.subject_key, d.subject, s.value,
       count(DISTINCT s.doc_id) AS n_documents,
       list(DISTINCT s.doc_id ORDER BY s.doc_id) AS doc_ids,
       coalesce(list(DISTINCT s.publisher ORDER BY s.publisher) FILTER (WHERE s.publisher IS NOT NULL), []) AS publishers,
       list(s.fact_id ORDER BY s.fact_id) AS fact_ids,
       min_by(s.evidence, s.ord) AS evidence
FROM disputed d
JOIN sides s USING (drug_id, kind, subject_key)
GROUP BY d.drug_id, d.kind, d.subject_key, d.subject, s.value
ORDER BY d.drug_id, d.kind, d.subject_key, s.value
