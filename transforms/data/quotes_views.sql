-- Views over the quotes table (transforms/quote.py); to be merged into warehouse.sql when quotes load.
-- One row per speaker entity: how often and in how many articles it is quoted, and when first and last.
create or replace view quotes_by_speaker as
    select q.speaker_entity_id as entity_id, e.name, e.label,
           count(*) as quotes,
           count(distinct q.doc_id) as articles,
           min(a.published_at) as first_published_at,
           max(a.published_at) as last_published_at
    from quotes q
    join entities e on e.entity_id = q.speaker_entity_id
    join articles a using (doc_id)
    where q.speaker_entity_id is not null
    group by all;
