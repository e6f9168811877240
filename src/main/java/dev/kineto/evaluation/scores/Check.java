package dev.kineto.evaluation.scores;

/**
 * One prompt-adherence check: in a category (colour, shape, ...), about a subject (an object of the prompt, a pair,
 * or the scene), what the prompt asked for, what the video showed, and whether they agree.
 */
public record Check(String category, String subject, String expected, String seen, boolean pass) {}
