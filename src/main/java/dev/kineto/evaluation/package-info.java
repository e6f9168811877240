/**
 * Scoring videos, in three layers that depend downwards only: suite (the versioned prompt suite, its bounds and its
 * report) → scores (one video's quality dimensions and prompt-adherence checks) → vision (what classical vision reads
 * off a clip). Nothing lives at this level. May depend on model, world and video.
 */
package dev.kineto.evaluation;
