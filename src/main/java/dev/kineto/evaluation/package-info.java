/**
 * Scoring videos: classical-vision readings of a clip (segmented objects, tracks, optical flow, backdrop, camera
 * motion), the VBench-style quality dimensions and the prompt-adherence checks built on them, and the versioned
 * prompt suite with its bounds (ground truth, VAE round trip, renoised) and its report. May depend on model, world and
 * video.
 */
package dev.kineto.evaluation;
