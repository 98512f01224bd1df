-- What approved and partially approved quotas commit, per pool (site and model) and day: the
-- capacity pages and the approval check read a window of it instead of summing every quota that
-- overlaps the window (issue 11, point 5: a campus holds tens of thousands of quotas). Only
-- `requests::repo::capacity::commit_to_pool` writes it, inside the approval's transaction and
-- under the pool's lock; a day absent commits nothing. `day` is the Julian day number
-- (time::Date::to_julian_day), so weeks are integer arithmetic on both databases.
CREATE TABLE pool_days (
    site_id   INTEGER NOT NULL,
    gpu_model TEXT    NOT NULL,
    day       INTEGER NOT NULL,
    committed INTEGER NOT NULL CHECK (committed >= 0),
    PRIMARY KEY (site_id, gpu_model, day)
);
CREATE INDEX pool_days_by_day ON pool_days (day, site_id, gpu_model, committed);

-- The quotas granted before this table existed, one row per pool and day of their windows.
WITH RECURSIVE spans (site_id, gpu_model, day, last_day, gpus) AS (
    SELECT site_id, gpu_model,
           CAST(julianday(approved_start) + 0.5 AS INTEGER),
           CAST(julianday(approved_end) + 0.5 AS INTEGER) - 1,
           approved_gpus
    FROM quota_requests
    WHERE status IN ('approved', 'partially_approved') AND approved_gpus IS NOT NULL
      AND approved_start IS NOT NULL AND approved_end IS NOT NULL
    UNION ALL
    SELECT site_id, gpu_model, day + 1, last_day, gpus FROM spans WHERE day < last_day
)
INSERT INTO pool_days (site_id, gpu_model, day, committed)
SELECT site_id, gpu_model, day, SUM(gpus) FROM spans GROUP BY site_id, gpu_model, day;
