/**
 * The video model: the VAE, the text encoder and the DiT (on DJL's PyTorch engine), their config and weights files,
 * flow-matching sampling and the request a generation takes. May depend on video only: what it must know of the world
 * (such as the probe's classes) comes in through its config.
 */
package dev.kineto.model;
