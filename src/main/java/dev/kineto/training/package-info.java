/**
 * Training the model: the two-stage trainer with its checkpoints and progress, the optimiser, the data sources (the
 * synthetic world, folders of clips) and what it measures on the way. May depend on model, world and video.
 */
package dev.kineto.training;
