/**
 * Clips of frames and the files they live in: MP4, GIF and PNG reading and writing, datasets of captioned clips,
 * atomic file writes, PSNR. Depends on no other Kineto package; every other package may use it.
 */
package dev.kineto.video;
