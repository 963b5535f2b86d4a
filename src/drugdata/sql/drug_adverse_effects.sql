-- One row per drug x adverse effect across documents: support, the frequency class most
-- documents give (one vote per document and class), the spread, and the first evidence.
WITH facts AS (
    SELECT a.*, coalesce(a.effect_id, 'name:' || lower(a.effect_name)) AS effect_key,
           s.publisher, evidence_order(s.path, a.span_start, a.fact_id) AS ord
    FROM adverse_effects a JOIN ok_sources s USING (doc_id)
),
class_votes AS (
    SELECT drug_id, effect_key, frequency_class, count(DISTINCT doc_id) AS n_docs
    FROM facts
    WHERE frequency_class <> 'unknown'
    GROUP BY ALL
),
frequency AS (
    SELECT drug_id, effect_key,
           arg_max(frequency_class, n_docs * 100 - cioms_rank(frequency_class)) AS frequency_class,
           list(frequency_class ORDER BY cioms_rank(frequency_class)) AS frequency_classes,
           string_agg(frequency_class || '=' || n_docs, ', ' ORDER BY cioms_rank(frequency_class)) AS frequency_votes
    FROM class_votes
    GROUP BY ALL
),
support AS (
    SELECT drug_id, effect_key,
           min(effect_id) AS effect_id,
           min_by(effect_name, ord) AS effect_name,
           min(frequency_low_pct) AS frequency_low_pct,
           max(frequency_high_pct) AS frequency_high_pct,
           bool_or(serious) AS serious,
           count(DISTINCT doc_id) FILTER (WHERE serious) AS n_serious,
           list(DISTINCT context ORDER BY context) AS contexts,
           unnest(support(doc_id, publisher, fact_id, evidence, ord))
    FROM facts
    GROUP BY drug_id, effect_key
)
SELECT s.*,
       coalesce(f.frequency_class, 'unknown') AS frequency_class,
       coalesce(f.frequency_classes, []) AS frequency_classes,
       f.frequency_votes
FROM support s LEFT JOIN frequency f USING (drug_id, effect_key)
ORDER BY drug_id, effect_key
