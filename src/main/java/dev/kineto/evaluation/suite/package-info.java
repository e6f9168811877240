/**
 * The versioned prompt suite: its prompts, one generator's scores on them, the bounds it is read against (ground truth,
 * VAE round trip, renoised) and the report (report.json, report.html from src/main/jte, the README table). May depend
 * on evaluation.scores, evaluation.vision, model, world and video.
 */
package dev.kineto.evaluation.suite;
