/**
 * The synthetic world: descriptions of objects, motions, backgrounds, styles and cameras, their captions both ways
 * (captioner and parser), the simulator and the renderer that turn a description into a clip with ground truth. May
 * depend on video only.
 */
package dev.kineto.world;
