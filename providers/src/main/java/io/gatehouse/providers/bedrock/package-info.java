/**
 * AWS Bedrock through its Converse and ConverseStream operations: translation to and from the
 * canonical (OpenAI) shape, the binary AWS event-stream framing of streamed answers, Bedrock's error
 * mapping, its URL layout and the AWS Signature Version 4 credential step.
 */
@NullMarked
package io.gatehouse.providers.bedrock;

import org.jspecify.annotations.NullMarked;
