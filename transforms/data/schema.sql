-- The warehouse's tables, each with its comments beside it. Applied when the warehouse is created
-- or this file changes (transforms/storage/schema.py ensure_schema), never inside a load.
-- DuckLake has no PRIMARY KEY, UNIQUE or CHECK constraints: the load checks keys and codes
-- (transforms/storage/schema.py KEYS and CHECKS) before it commits.

create table if not exists documents (
    doc_id varchar, source_path varchar, size_bytes bigint, encoding varchar, content_type varchar,
    ingested_at timestamp with time zone, run_id varchar, status varchar, reason varchar);
comment on table documents is 'One row per input file seen; status loaded, quarantined, duplicate or skipped';
comment on column documents.doc_id is 'sha256 (hex) of the file''s raw bytes';
comment on column documents.source_path is 'Path relative to the landing folder (undecodable bytes of a name as \x escapes)';
comment on column documents.encoding is 'Encoding the text was decoded from';
comment on column documents.status is 'loaded, quarantined, duplicate or skipped';
comment on column documents.reason is 'Why the file was quarantined, skipped or is a duplicate';

create table if not exists articles (
    doc_id varchar, kicker varchar, title varchar, teaser varchar, body varchar, published_at timestamp,
    date_precision varchar, outlet varchar, agency varchar, authors varchar[], dateline varchar,
    language varchar, word_count integer, story_id varchar);
comment on table articles is 'One row per loaded article: cleaned body and metadata (docs/fields.md)';
comment on column articles.kicker is 'Line printed above the headline (Dachzeile); null when there is none';
comment on column articles.title is 'The headline without its kicker; kicker || '': '' || title is the title as printed';
comment on column articles.body is 'Article text without boilerplate; paragraphs separated by blank lines';
comment on column articles.published_at is 'Publication time from the article itself; null when it gives none';
comment on column articles.date_precision is 'day or month: how much of published_at the source gave';
comment on column articles.outlet is 'Publishing site or newspaper, when the text names it';
comment on column articles.agency is 'News agency credited (dpa, AFP, AP, Reuters, ...)';
comment on column articles.authors is 'Person authors from the byline';
comment on column articles.dateline is 'Place the report was filed from (Tokio in "Tokio (dpa) -")';
comment on column articles.language is 'ISO 639-1 language code of the body';
comment on column articles.story_id is 'Story this article belongs to (stories table)';

create table if not exists mentions (
    doc_id varchar, entity_id varchar, label varchar, surface varchar, start_char integer, end_char integer,
    source varchar, is_derived boolean);
comment on table mentions is 'Entity mentions: body[start_char:end_char] = surface (Python offsets)';
comment on column mentions.label is 'PER, LOC, ORG or MISC';
comment on column mentions.start_char is 'Python string offset of the mention''s first character in articles.body';
comment on column mentions.end_char is 'Python string offset just past the mention in articles.body';
comment on column mentions.source is 'rule, model, coref (a name the article tags elsewhere, in full or in part) or list (a known place of the name list)';
comment on column mentions.is_derived is 'An adjective or compound prefix (nordkoreanisch, US-) of the entity';

create table if not exists entity_aliases (
    entity_id varchar, name varchar, label varchar, country_code varchar, alias varchar);
comment on table entity_aliases is 'Each surface form seen for an entity, once';

create table if not exists entities (
    entity_id varchar, name varchar, label varchar, country_code varchar, aliases varchar[]);
comment on table entities is 'Canonical entities; entity_id is stable across runs';
comment on column entities.country_code is 'ISO 3166-1 alpha-2 code for countries and cities';
comment on column entities.aliases is 'Every surface form seen for the entity';

create table if not exists themes (doc_id varchar, theme varchar, score double);
comment on table themes is 'Article themes from transforms/data/themes.yaml; score in [0, 1]';

create table if not exists quotes (
    doc_id varchar, quote_id varchar, kind varchar, quote varchar, start_char integer, end_char integer,
    cue varchar, speaker varchar, speaker_entity_id varchar);
comment on table quotes is 'Quotations in article bodies with their speakers: body[start_char:end_char] = quote';
comment on column quotes.kind is 'direct, indirect, free_indirect or reported';
comment on column quotes.cue is 'The speech verb or noun that introduces the quotation (sagte, laut, ...)';
comment on column quotes.speaker is 'The speaker as written in the article';
comment on column quotes.speaker_entity_id is 'The speaker''s canonical entity (entities), when a person or organisation';

create table if not exists search_terms (doc_id varchar, terms varchar);
comment on table search_terms is 'Compound parts of each article''s long words, for the search index';

create table if not exists stories (
    story_id varchar, doc_id varchar, similarity double, is_canonical boolean, run_id varchar);
comment on table stories is 'Articles of the same story (near-duplicate reports)';
comment on column stories.similarity is 'Estimated share of shingles shared with the canonical article';
comment on column stories.is_canonical is 'The earliest article of the story, else the longest';

create table if not exists signatures (
    doc_id varchar, story_id varchar, shingle_count integer, hashvalues ubigint[], published_at timestamp,
    word_count integer);
comment on table signatures is 'MinHash signatures of the articles, for finding the stories of later runs';

create table if not exists quarantine (doc_id varchar, stage varchar, reason varchar, detail varchar, run_id varchar);
comment on table quarantine is 'Rejected documents and why';

create table if not exists quality_results (
    run_id varchar, table_name varchar, expectation varchar, column_name varchar, critical boolean,
    success boolean, unexpected_count bigint, element_count bigint);
comment on table quality_results is 'Each expectation checked in each run';

create table if not exists runs (
    run_id varchar, flow_run_id varchar, started_at timestamp with time zone,
    finished_at timestamp with time zone, files_seen bigint, loaded bigint, quarantined bigint,
    duplicates bigint, status varchar, message varchar, kind varchar, newsetl_version varchar,
    stage_versions varchar, clock_flag varchar);
comment on table runs is 'One row per flow run with its counts; status running, completed or failed';
comment on column runs.files_seen is 'Every file the run listed in the landing folder, those already in the warehouse included';
comment on column runs.message is 'Why a failed run failed';
comment on column runs.kind is 'run (new files from the landing folder) or reprocess (stages run again on stored texts)';
comment on column runs.newsetl_version is 'The newsetl release that ran';
comment on column runs.stage_versions is 'JSON: the version of each stage installed for the run';

create table if not exists stage_versions (doc_id varchar, stage varchar, version varchar, run_id varchar);
comment on table stage_versions is 'Which version of each stage made a document''s rows, and in which run';

create table if not exists reprocessed (
    run_id varchar, part varchar, stage varchar, documents bigint, version_before varchar, version_after varchar);
comment on table reprocessed is 'What each reprocess run did: documents per stage and version, before and after';

create table if not exists texts (doc_id varchar, content_type varchar, text varchar);
comment on table texts is 'Each decoded document''s text, kept so that a reprocess does not need the landing folder';

create table if not exists search_docs (doc_id varchar, text_len integer, parts_len integer);
comment on table search_docs is 'Search index: indexed articles and their lengths in stems';

create table if not exists search_postings (doc_id varchar, field varchar, term varchar, tf integer);
comment on table search_postings is 'Search index: German word stems per article and field (text, parts), with counts';

create table if not exists german_stopwords (sw varchar);
comment on table german_stopwords is 'Words the search index leaves out (spaCy''s German stop words)';

create table if not exists schema_versions (version varchar, applied_at timestamp with time zone);
comment on table schema_versions is 'Each version of the warehouse DDL applied, and when';

create table if not exists notifications (
    run_id varchar, event varchar, subject varchar, target varchar, sent_at timestamp with time zone,
    delivered boolean, error varchar);
comment on table notifications is 'Each alert sent (NEWSETL_NOTIFY), delivered or not; kept by a rebuild';
comment on column notifications.run_id is 'The run that sent it';
comment on column notifications.event is 'FAIL, WARN or PASS (a run''s verdict), failed, crashed or stale';
comment on column notifications.subject is 'The message''s subject line (it names the run)';
comment on column notifications.sent_at is 'When delivery was tried';
comment on column notifications.delivered is 'Whether Apprise delivered it';
comment on column notifications.target is 'Where it went: the Apprise URL without its query, passwords and tokens masked';
comment on column notifications.error is 'Why it was not delivered';
