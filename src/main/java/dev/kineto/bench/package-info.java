/**
 * `kineto bench`: benchmarks that print figures (medians of repeated runs), never assertions, and the Python PyTorch
 * peer of the DiT (dit-peer.py) that `bench peer` checks against Dit.java before timing it. Sits beside cli: may depend
 * on cli and on every package below; server, model and the rest never depend on it.
 */
package dev.kineto.bench;
