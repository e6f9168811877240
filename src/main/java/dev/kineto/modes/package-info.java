/**
 * The modes that steer a video beyond its prompt: a motion path for the subject, a camera move, a rendering style and
 * video-to-video (restyle). The shipped latent model takes no frames, so each mode draws a guide clip with the world's
 * renderer (the prompt's scene along the path, with the camera move, or with the source clip's subject path), noises
 * it to a strength and samples it back with the prompt. Sits beside model, training and evaluation: may depend on
 * them and on world and video; server and cli use it.
 */
package dev.kineto.modes;
