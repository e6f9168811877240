/**
 * Training the model: the two-stage trainer (a layered model's second stage trains its backdrop and matte DiTs) with
 * its checkpoints and progress, the optimiser, the data sources (the synthetic world, folders of clips) and what it
 * measures on the way. May depend on model, world and video.
 */
package dev.kineto.training;
