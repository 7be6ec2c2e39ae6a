-- One run's staged rows (the temp views staged_<table>) inserted by key, inside the load's transaction.
-- new_docs: the articles new to the lake; rows that belong to one document are inserted only for them,
-- so a replayed or overlapping run adds nothing twice.
create or replace temp table new_docs as
    select distinct doc_id from staged_articles where doc_id not in (select doc_id from articles);

insert into documents by name select * from staged_documents s
    where not exists (select 1 from documents d where d.doc_id = s.doc_id and d.source_path = s.source_path);

-- A new article takes its story id with it; older articles whose story this run changed are updated
-- after (story_ids.sql).
insert into articles by name
    select a.*, s.story_id from staged_articles a left join staged_stories s using (doc_id)
    where a.doc_id in (select doc_id from new_docs);

insert into mentions by name select * from staged_mentions where doc_id in (select doc_id from new_docs);
insert into themes by name select * from staged_themes where doc_id in (select doc_id from new_docs);
insert into quotes by name select * from staged_quotes where doc_id in (select doc_id from new_docs);
insert into search_terms by name select * from staged_search_terms where doc_id in (select doc_id from new_docs);
insert into signatures by name select * from staged_signatures where doc_id in (select doc_id from new_docs);
insert into stage_versions by name select * from staged_stage_versions where doc_id in (select doc_id from new_docs);

delete from stories where doc_id in (select doc_id from staged_stories);
insert into stories by name select * from staged_stories;

insert into texts by name select * from staged_texts s
    where not exists (select 1 from texts t where t.doc_id = s.doc_id);
insert into quarantine by name select * from staged_quarantine;
insert into quality_results by name select * from staged_quality_results;
