-- Views, the search macros and the guide: applied with the schema (transforms/storage/schema.py ensure_schema).

-- DuckDB's fts tokenizer, used by the index build and by queries alike, so both split words the same way.
create or replace macro search_tokens(text) as
    string_split_regex(regexp_replace(lower(text), '(\.|[^a-zäöüß])+', ' ', 'g'), '\s+');

-- BM25 (k 1.2, b 0.75, as DuckDB's fts extension scores) over the postings in search_postings:
-- the words of title and body count fully, their compound parts half.
create or replace macro search_articles(query_text) as table
    with query_terms as (
        select distinct stem(token, 'german') as term
        from (select unnest(search_tokens(query_text)) as token)
        where token <> '' and token not in (select sw from german_stopwords)),
    field_stats as (
        select field, count(*) as num_docs, avg(len) as avgdl
        from (select doc_id, 'text' as field, text_len as len from search_docs
              union all select doc_id, 'parts', parts_len from search_docs)
        group by field),
    hits as (select p.* from search_postings p join query_terms using (term)),
    term_df as (select field, term, count(*) as df from hits group by all),
    scores as (
        select h.doc_id,
               sum(case h.field when 'text' then 1.0 else 0.5 end
                   * log10((s.num_docs - t.df + 0.5) / (t.df + 0.5) + 1)
                   * h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * (case h.field when 'text' then d.text_len else d.parts_len end) / s.avgdl))) as score
        from hits h join term_df t using (field, term) join field_stats s using (field) join search_docs d using (doc_id)
        group by h.doc_id)
    select a.doc_id, a.title, a.published_at, a.outlet, a.agency, a.story_id, round(s.score, 4) as score
    from scores s join articles a using (doc_id)
    where s.score > 0
    order by score desc, a.doc_id;

-- Articles with the persons, places and organisations they name (derived mentions left out).
create or replace view article_entities as
    select a.doc_id, a.title, a.published_at, a.outlet, e.entity_id, e.name, e.label, e.country_code,
           count(*) as mentions
    from articles a join mentions m using (doc_id) join entities e using (entity_id)
    where not m.is_derived
    group by all;

-- Mentions of each entity per month of publication.
create or replace view entity_mentions_monthly as
    select e.entity_id, e.name, e.label, date_trunc('month', a.published_at) as month,
           count(*) as mentions, count(distinct a.doc_id) as articles
    from mentions m join articles a using (doc_id) join entities e using (entity_id)
    group by all;

-- Pairs of entities named in the same articles, with how many articles.
create or replace view co_mentions as
    with pairs as (select distinct doc_id, entity_id from mentions)
    select x.entity_id as entity_a, ea.name as name_a, y.entity_id as entity_b, eb.name as name_b,
           count(*) as articles
    from pairs x join pairs y on x.doc_id = y.doc_id and x.entity_id < y.entity_id
    join entities ea on ea.entity_id = x.entity_id join entities eb on eb.entity_id = y.entity_id
    group by all;

-- Each story's outlets, agencies, first and last publication and canonical title.
create or replace view story_spread as
    select s.story_id, count(*) as articles,
           list(distinct a.outlet order by a.outlet) filter (where a.outlet is not null) as outlets,
           list(distinct a.agency order by a.agency) filter (where a.agency is not null) as agencies,
           min(a.published_at) as first_published, max(a.published_at) as last_published,
           any_value(a.title) filter (where s.is_canonical) as canonical_title,
           min(s.similarity) as min_similarity
    from stories s join articles a using (doc_id)
    group by s.story_id;

-- Themes per month of publication.
create or replace view themes_monthly as
    select t.theme, date_trunc('month', a.published_at) as month, count(*) as articles,
           round(avg(t.score), 4) as mean_score
    from themes t join articles a using (doc_id)
    group by all;

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

-- Every table and column with its comment: the warehouse's own documentation.
create or replace view warehouse_guide as
    select t.table_name, t.comment as table_comment, c.column_name, c.data_type, c.comment as column_comment
    from duckdb_tables() t join duckdb_columns() c using (database_name, schema_name, table_name)
    where t.database_name = current_database() and t.schema_name = 'main'
    order by t.table_name, c.column_index;
