package io.gatehouse.providers.gemini;

import java.nio.charset.StandardCharsets;

/** URL building shared by the Google endpoints. */
final class GoogleUrls {
    private GoogleUrls() {}

    /** Percent-encodes everything but RFC 3986 unreserved characters, for one path segment. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
                out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The model id without the {@code models/} prefix that Google's own resource names carry. */
    static String modelId(String upstreamModel) {
        return upstreamModel.startsWith("models/") ? upstreamModel.substring("models/".length()) : upstreamModel;
    }

    static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
