-- Themes per month of publication, by number of articles.
-- On the seeds: military is a theme in both 2024-10 and 2025-01.
select month, theme, articles, mean_score
from themes_monthly
where month is not null
order by month, articles desc, theme;
