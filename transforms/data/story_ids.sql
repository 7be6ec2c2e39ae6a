-- Articles take the story ids of the staged stories (a run's, or a reprocess's that clustered again).
update articles set story_id = s.story_id from staged_stories s
    where articles.doc_id = s.doc_id and articles.story_id is distinct from s.story_id;
