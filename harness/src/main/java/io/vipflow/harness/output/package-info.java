/**
 * Files the commands write: checked against the command's inputs before any work starts, written under a unique
 * temporary name beside the target and moved into place only when complete, so that an interrupted, failed or
 * concurrent run never leaves a partial file under the final name or destroys what was there.
 */
package io.vipflow.harness.output;
