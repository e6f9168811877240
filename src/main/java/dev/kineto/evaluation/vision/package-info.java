/**
 * What classical vision sees in a clip: palette-coloured objects segmented per frame ({@link
 * dev.kineto.evaluation.vision.SceneAnalysis}) and linked into tracks, the backdrop, the camera's motion, optical flow,
 * and each tracked object read back in the world's words (colour, shape, size, motion, style). No scores here: the
 * readings are what scores compare. May depend on world and video.
 */
package dev.kineto.evaluation.vision;
