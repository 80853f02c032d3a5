package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A request body as the client sent it, with where its top-level {@code model} member lies, so
 * that an OpenAI-compatible upstream can be sent the client's own bytes with only the model changed
 * rather than a body written anew from the parsed tree. The bytes parsed as one JSON object with no
 * duplicate names ({@link Json#MAPPER} rejects those), so they mean exactly what the parsed tree
 * means; only their spacing, escapes and number spelling may differ from the tree's own writing.
 *
 * <p>Immutable by convention: {@link #bytes()} must not be modified.
 *
 * @param bytes the body
 * @param memberStart where the member's name starts (its opening quote)
 * @param valueStart where the model's value starts (its opening quote)
 * @param valueEnd just past the model's value (its closing quote)
 */
public record SentBody(byte[] bytes, int memberStart, int valueStart, int valueEnd) {
    private static final byte[] NOTHING = new byte[0];

    public SentBody {
        requireNonNull(bytes, "bytes");
        if (memberStart < 0 || memberStart >= valueStart || valueStart >= valueEnd || valueEnd > bytes.length) {
            throw new IllegalArgumentException("not a member inside the body: " + memberStart + ".." + valueEnd);
        }
    }

    /**
     * The body with the model's value replaced by {@code model}, and {@code extraMembers} added at
     * the end of the object.
     *
     * @param extraMembers written members, each led by a comma ({@code ,"name":value}), or empty
     */
    public byte[] withModel(String model, String extraMembers) {
        return splice(valueStart, valueEnd, quoted(model), extraMembers);
    }

    /**
     * The body without its model member (and one comma beside it), with {@code extraMembers} added
     * at the end of the object.
     *
     * @param extraMembers written members, each led by a comma ({@code ,"name":value}), or empty
     */
    public byte[] withoutModel(String extraMembers) {
        int before = skipSpaceBackwards(memberStart - 1);
        if (bytes[before] == ',') {
            return splice(before, valueEnd, NOTHING, extraMembers);
        }
        // The first member: the comma after it goes, if another member follows.
        int after = skipSpace(valueEnd);
        int end = bytes[after] == ',' ? after + 1 : valueEnd;
        return splice(memberStart, end, NOTHING, extraMembers);
    }

    /** The bytes with {@code [from, to)} replaced by {@code replacement}, and {@code extra} before the closing brace. */
    private byte[] splice(int from, int to, byte[] replacement, String extraMembers) {
        byte[] extra = extraMembers.getBytes(StandardCharsets.UTF_8);
        int close = skipSpaceBackwards(bytes.length - 1); // the object's closing brace
        byte[] out = new byte[bytes.length - (to - from) + replacement.length + extra.length];
        int at = 0;
        System.arraycopy(bytes, 0, out, at, from);
        at += from;
        System.arraycopy(replacement, 0, out, at, replacement.length);
        at += replacement.length;
        System.arraycopy(bytes, to, out, at, close - to);
        at += close - to;
        System.arraycopy(extra, 0, out, at, extra.length);
        at += extra.length;
        System.arraycopy(bytes, close, out, at, bytes.length - close);
        return out;
    }

    private int skipSpace(int at) {
        while (isSpace(bytes[at])) {
            at++;
        }
        return at;
    }

    private int skipSpaceBackwards(int at) {
        while (isSpace(bytes[at])) {
            at--;
        }
        return at;
    }

    /** JSON's whitespace: the only bytes that may stand between a member and its neighbours. */
    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static byte[] quoted(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }
}
