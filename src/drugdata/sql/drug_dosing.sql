-- One row per drug x route x population x phase x amount: the values the documents give
-- and how many give each.
WITH facts AS (
    SELECT d.* REPLACE (coalesce(d.dose_max, d.dose_min) AS dose_max),
           s.publisher, evidence_order(s.path, d.span_start, d.fact_id) AS ord,
           CASE WHEN d.frequency_min_per_day IS NULL THEN NULL
                WHEN coalesce(d.frequency_max_per_day, d.frequency_min_per_day) = d.frequency_min_per_day
                    THEN num(d.frequency_min_per_day)
                ELSE num(d.frequency_min_per_day) || '-' || num(d.frequency_max_per_day) END AS times
    FROM dosing d JOIN ok_sources s USING (doc_id)
    WHERE d.dose_min IS NOT NULL
),
keyed AS (
    SELECT *, concat_ws('|', coalesce(route, '-'), coalesce(population, '-'), regimen_phase,
                        num(dose_min) || CASE WHEN dose_max > dose_min THEN '-' || num(dose_max) ELSE '' END,
                        coalesce(dose_unit, '-'), coalesce(dose_basis, '-')) AS dose_key
    FROM facts
),
times AS (
    SELECT drug_id, dose_key, list(times ORDER BY times) AS times_per_day
    FROM (SELECT DISTINCT drug_id, dose_key, times FROM keyed WHERE times IS NOT NULL)
    GROUP BY ALL
)
SELECT k.drug_id, k.dose_key,
       any_value(k.route) AS route,
       any_value(k.population) AS population,
       any_value(k.regimen_phase) AS regimen_phase,
       any_value(k.dose_min) AS dose_min,
       any_value(k.dose_max) AS dose_max,
       any_value(k.dose_unit) AS dose_unit,
       any_value(k.dose_basis) AS dose_basis,
       coalesce(any_value(t.times_per_day), []) AS times_per_day,
       unnest(support(k.doc_id, k.publisher, k.fact_id, k.evidence, k.ord))
FROM keyed k LEFT JOIN times t USING (drug_id, dose_key)
GROUP BY k.drug_id, k.dose_key
ORDER BY k.drug_id, k.dose_key
