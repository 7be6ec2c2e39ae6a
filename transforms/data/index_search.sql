-- Search postings for the articles in the temp table new_articles (doc_id, title, body) with the
-- compound parts of new_terms (doc_id, terms): BM25 postings of German stems, appended per run.
-- DuckDB's fts extension can only rebuild its index whole, which would make every load cost the archive.
create or replace temp table new_text as
    select a.doc_id, coalesce(a.title, '') || ' ' || a.body as text, coalesce(t.terms, '') as parts
    from new_articles a left join new_terms t using (doc_id);

insert into search_postings
    with tokens as (
        select doc_id, 'text' as field, unnest(search_tokens(text)) as token from new_text
        union all
        select doc_id, 'parts' as field, unnest(search_tokens(parts)) as token from new_text)
    select doc_id, field, stem(token, 'german') as term, count(*)::integer as tf from tokens
    where token <> '' and token not in (select sw from german_stopwords)
    group by all;

insert into search_docs
    select d.doc_id, coalesce(sum(p.tf) filter (where p.field = 'text'), 0)::integer,
           coalesce(sum(p.tf) filter (where p.field = 'parts'), 0)::integer
    from new_text d left join search_postings p using (doc_id)
    group by d.doc_id;

drop table new_text;
