-- One row per drug x interacting agent across documents: support, the strongest advice and
-- the highest severity any document gives, and the effects as worded.
WITH facts AS (
    SELECT x.*, coalesce(x.agent_id, 'name:' || lower(x.agent_name)) AS agent_key,
           s.publisher, evidence_order(s.path, x.span_start, x.fact_id) AS ord
    FROM interactions x JOIN ok_sources s USING (doc_id)
),
advice AS (
    SELECT drug_id, agent_key, list(recommendation ORDER BY advice_rank(recommendation)) AS recommendations
    FROM (SELECT DISTINCT drug_id, agent_key, recommendation FROM facts WHERE recommendation IS NOT NULL)
    GROUP BY ALL
),
worded AS (
    SELECT drug_id, agent_key, list(effect ORDER BY effect) AS effects
    FROM (SELECT DISTINCT drug_id, agent_key, effect FROM facts WHERE effect IS NOT NULL)
    GROUP BY ALL
),
support AS (
    SELECT drug_id, agent_key,
           min(agent_id) AS agent_id,
           min_by(agent_name, ord) AS agent_name,
           min_by(agent_type, ord) AS agent_type,
           arg_min(recommendation, advice_rank(recommendation)) AS recommendation,
           arg_min(severity, severity_rank(severity)) AS severity,
           unnest(support(doc_id, publisher, fact_id, evidence, ord))
    FROM facts
    GROUP BY drug_id, agent_key
)
SELECT s.*,
       coalesce(a.recommendations, []) AS recommendations,
       coalesce(w.effects, []) AS effects
FROM support s
LEFT JOIN advice a USING (drug_id, agent_key)
LEFT JOIN worded w USING (drug_id, agent_key)
ORDER BY drug_id, agent_key
