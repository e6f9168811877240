/**
 * The `kineto` command line: one picocli command per file, all registered in {@link dev.kineto.cli.Main}, each parsing
 * its options and handing the work to the packages below. May depend on every other package (bench beside it for
 * `kineto bench`); nothing depends on it.
 */
package dev.kineto.cli;
