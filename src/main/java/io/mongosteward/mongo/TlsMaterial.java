package io.mongosteward.mongo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a TLS connection to MongoDB trusts and presents, as PEM text held in memory only: the
 * operator reads it from Secrets, the CLI and the sidecar from files, and {@link TlsContexts} turns it
 * into an SSLContext without writing anything to disk.
 *
 * <p>Equal material makes equal clients ({@link ClientRegistry.Key}); a rotated certificate is
 * different material, so a new client. {@link #toString()} shows fingerprints, never content.
 *
 * @param caPem PEM certificates to trust instead of the JVM's default trust store, or null
 * @param certPem the client certificate chain (PEM), or null; with {@code keyPem}
 * @param keyPem the client certificate's private key (PEM: PKCS#1, PKCS#8 or EC), or null
 * @param insecureSkipVerify trust any server certificate and host name: for tests only
 */
public record TlsMaterial(String caPem, String certPem, String keyPem, boolean insecureSkipVerify) {
  public TlsMaterial {
    if ((certPem == null) != (keyPem == null)) {
      throw new IllegalArgumentException("a client certificate needs its private key, and a key its certificate");
    }
  }

  /** TLS with the JVM's default trust store and no client certificate. */
  public static TlsMaterial defaults() {
    return new TlsMaterial(null, null, null, false);
  }

  public boolean hasClientCertificate() {
    return certPem != null;
  }

  /** A SHA-256 of everything: tells material apart without holding on to its keys. */
  public String fingerprint() {
    return fingerprint(String.join("\u0000", String.valueOf(caPem), String.valueOf(certPem), String.valueOf(keyPem),
        String.valueOf(insecureSkipVerify)));
  }

  /** Short SHA-256 fingerprints, so that logs can tell material apart without showing it. */
  @Override
  public String toString() {
    return "TlsMaterial[ca=" + fingerprint(caPem) + ", cert=" + fingerprint(certPem) + ", key="
        + (keyPem == null ? "none" : "present") + ", insecureSkipVerify=" + insecureSkipVerify + "]";
  }

  static String fingerprint(String pem) {
    if (pem == null) {
      return "none";
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
