package io.gatehouse.admin.api;

/** A request the admin API cannot read: malformed, too large, of the wrong type. */
final class BadRequestException extends RuntimeException {
    private final int status;
    private final String code;

    BadRequestException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
