/**
 * Scoring one video: {@link dev.kineto.evaluation.scores.Evaluator} gives VBench-style quality dimensions and, for a
 * prompt the world understands, the prompt-adherence checks (T2V-CompBench style) and the physics check, plus the
 * scores of the conditioned modes. May depend on evaluation.vision, world and video.
 */
package dev.kineto.evaluation.scores;
