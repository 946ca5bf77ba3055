package dev.dolly.cli;

/** Where Dolly is and the personal token to call it with. The token is never printed. */
record Credentials(String url, String token) {

    Credentials {
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String toString() {
        return "Credentials[url=" + url + ", token=…]";
    }
}
