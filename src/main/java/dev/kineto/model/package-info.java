/**
 * The video model: the VAE, the text encoder and the DiT (on DJL's PyTorch engine), their config and weights files,
 * flow-matching sampling, the request a generation takes, the plan a grounded model renders, and the layered model's
 * composition of its backdrop and mattes by that plan. May depend on world and video: the plan is the world's caption
 * parser and simulator (Layout); the rest of what it must know of the world (such as the probe's classes) comes in
 * through its config.
 */
package dev.kineto.model;
