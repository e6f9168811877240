/**
 * The HTTP API and the web studio: routes composed in {@code KinetoServer.routes()}, the durable job
 * queue and its workers, accounts and credits, webhooks, moderation, rate limits, memory budgets, media files and
 * metrics. May depend on model, training, evaluation, world and video; only cli and bench depend on it.
 */
package dev.kineto.server;
