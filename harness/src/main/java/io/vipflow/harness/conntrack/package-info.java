/**
 * {@code vipflow conntrack dump}: reads a connection table file (a mapped {@code ConnTable} or a Chronicle Map table,
 * told apart by its first bytes unless {@code --format} names it) and writes one line per live entry, then a summary.
 */
package io.vipflow.harness.conntrack;
