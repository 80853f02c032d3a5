/**
 * The Google Gemini family: the Gemini API of Google AI ({@code x-goog-api-key}) and Vertex AI
 * (OAuth 2.0 access tokens obtained with a service account key), which share one wire format.
 */
@NullMarked
package io.gatehouse.providers.gemini;

import org.jspecify.annotations.NullMarked;
