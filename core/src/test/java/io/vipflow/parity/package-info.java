/**
 * kube-proxy's and the kernel's table-driven cases, rewritten against vipflow's API: each test names the upstream
 * test case or function it follows.
 */
package io.vipflow.parity;
