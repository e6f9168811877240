-- Frames a job is conditioned on (issue 36): uploaded images for its first and last frame, or a video of the same user's
-- it continues; source_frames is that video's length, so frames (the output's) minus source_frames is what is generated.
ALTER TABLE jobs ADD COLUMN image_id VARCHAR(40);
ALTER TABLE jobs ADD COLUMN last_image_id VARCHAR(40);
ALTER TABLE jobs ADD COLUMN extend_video_id VARCHAR(40);
ALTER TABLE jobs ADD COLUMN source_frames INTEGER NOT NULL DEFAULT 0;
