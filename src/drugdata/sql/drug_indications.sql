-- One row per drug x condition across documents: support, the status most documents state
-- (unspecified only when none states one) and whether they agree.
WITH facts AS (
    SELECT i.*, coalesce(i.condition_id, 'name:' || lower(i.condition_name)) AS condition_key,
           s.publisher, evidence_order(s.path, i.span_start, i.fact_id) AS ord
    FROM indications i JOIN ok_sources s USING (doc_id)
),
status_votes AS (
    SELECT drug_id, condition_key, status, count(DISTINCT doc_id) AS n_docs
    FROM facts
    WHERE status <> 'unspecified'
    GROUP BY ALL
),
stated AS (
    SELECT drug_id, condition_key,
           arg_max(status, n_docs * 100 - status_rank(status)) AS status,
           list(status ORDER BY status_rank(status)) AS statuses
    FROM status_votes
    GROUP BY ALL
),
support AS (
    SELECT drug_id, condition_key,
           min(condition_id) AS condition_id,
           min_by(condition_name, ord) AS condition_name,
           unnest(support(doc_id, publisher, fact_id, evidence, ord))
    FROM facts
    GROUP BY drug_id, condition_key
)
SELECT s.*,
       coalesce(t.status, 'unspecified') AS status,
       coalesce(t.statuses, []) AS statuses,
       coalesce(len(t.statuses), 0) <= 1 AS status_agreement
FROM support s LEFT JOIN stated t USING (drug_id, condition_key)
ORDER BY drug_id, condition_key
