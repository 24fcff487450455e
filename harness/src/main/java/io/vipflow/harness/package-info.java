/**
 * The {@code vipflow} command line ({@code Main}): its subcommands live in the packages below, and the options
 * every command that runs a balancer for one node shares (the node, its network, the default scheduler) are here.
 * Exit codes ({@code Main}'s help lists them): 0 success, 1 violations found, 2 bad input, argument or output (or an
 * unreachable server), 3 out of memory or stack, 4 an internal error.
 */
package io.vipflow.harness;
