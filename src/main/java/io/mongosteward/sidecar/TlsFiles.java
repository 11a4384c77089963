package io.mongosteward.sidecar;

import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.mongo.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS material from PEM files (--tls-ca-file, --tls-cert-file, --tls-key-file, such as a mounted
 * kubernetes.io/tls Secret), read again each time it is asked for, like {@link UriFile}: a rotated
 * certificate reaches the next ping through a new client, without a restart. Files that cannot be
 * read or parsed leave the last good material in use, with one warning per bad state. The content
 * is held in memory only and never logged.
 */
public final class TlsFiles implements Supplier<TlsMaterial> {
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  /** The paths, each null when not given; {@code names} say where each came from, for messages. */
  public record Paths(Path ca, Path cert, Path key, TlsContexts.Names names) {
    public boolean any() {
      return ca != null || cert != null || key != null;
    }
  }

  private final Paths paths;
  private TlsMaterial material;
  /** What is wrong with the files (the error, which never quotes them), null while they are fine; warned about once per state. */
  private String problem;

  public TlsFiles(Paths paths, TlsMaterial initial) {
    this.paths = paths;
    this.material = initial;
  }

  /**
   * Reads and checks the files once.
   *
   * @throws TlsContexts.InvalidTlsMaterialException naming the file (never its content) when one
   *     cannot be read, or is not PEM of its kind, or a certificate comes without its key
   */
  public static TlsMaterial read(Paths paths) {
    if ((paths.cert() == null) != (paths.key() == null)) {
      throw new TlsContexts.InvalidTlsMaterialException(paths.cert() == null
          ? paths.names().key() + " needs its certificate: give the client certificate too"
          : paths.names().cert() + " needs its private key: give the key file too");
    }
    TlsMaterial m = new TlsMaterial(text(paths.ca(), paths.names().ca(), Kind.CERTIFICATE),
        text(paths.cert(), paths.names().cert(), Kind.CERTIFICATE), text(paths.key(), paths.names().key(), Kind.KEY),
        false);
    TlsContexts.build(m, paths.names());
    return m;
  }

  private enum Kind {
    CERTIFICATE("PEM certificate", "-----BEGIN CERTIFICATE-----", "openssl x509 -inform der -in FILE -out FILE.pem"),
    KEY("PEM private key", "-----BEGIN PRIVATE KEY-----", "openssl pkey -inform der -in FILE -out FILE.pem");

    final String what;
    final String marker;
    final String convert;

    Kind(String what, String marker, String convert) {
      this.what = what;
      this.marker = marker;
      this.convert = convert;
    }
  }

  /**
   * The file as text. PEM is ASCII, so bytes map to characters one to one (ISO-8859-1): a comment in
   * another encoding does not make the file unreadable, and a binary file (DER) is told as such.
   */
  private static String text(Path path, String name, Kind kind) {
    if (path == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new TlsContexts.InvalidTlsMaterialException(name + ": cannot read it (" + e.getClass().getSimpleName()
          + ")");
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN ")) {
      throw new TlsContexts.InvalidTlsMaterialException(name + " holds no " + kind.what + (looksLikeDer(bytes, kind)
          ? " (it looks like DER: convert with `" + kind.convert + "`)" : " (" + kind.marker + ")"));
    }
    return text;
  }

  /**
   * DER: a certificate the JDK reads as one; a key that starts as an ASN.1 SEQUENCE whose length
   * covers the file.
   */
  private static boolean looksLikeDer(byte[] bytes, Kind kind) {
    if (kind == Kind.CERTIFICATE) {
      try {
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes));
        return true;
      } catch (CertificateException | RuntimeException e) {
        return false;
      }
    }
    if (bytes.length < 4 || bytes[0] != 0x30) {
      return false;
    }
    int first = bytes[1] & 0xff;
    if (first < 0x80) {
      return first + 2 == bytes.length;
    }
    int octets = first & 0x7f;
    if (octets == 0 || octets > 3 || bytes.length < 2 + octets) {
      return false;
    }
    int length = 0;
    for (int i = 0; i < octets; i++) {
      length = (length << 8) | (bytes[2 + i] & 0xff);
    }
    return length + 2 + octets == bytes.length;
  }

  /**
   * While the files cannot be used: what is wrong with them (naming the file, never its content)
   * and that the last good material is kept; null while they are fine.
   */
  public synchronized String warning() {
    return problem == null ? null : problem + "; kept the last good TLS material (" + material
        + ") and pings with it until the files are usable again";
  }

  /** The current material: the same instance while the files are unchanged. */
  @Override
  public synchronized TlsMaterial get() {
    TlsMaterial now;
    try {
      now = read(paths);
    } catch (TlsContexts.InvalidTlsMaterialException e) {
      if (!e.getMessage().equals(problem)) {
        problem = e.getMessage();
        // The sidecar keeps pinging with what it had: a probe failing on a half-written rotation
        // would restart the pod, and the server still accepts the old certificate until it expires.
        LOG.warn(warning());
      }
      return material;
    }
    if (problem != null) {
      LOG.info("TLS files are usable again");
    }
    problem = null;
    if (!now.equals(material)) {
      material = now;
      LOG.info("TLS files changed ({}): pinging with a new client from now on", now);
    }
    return material;
  }
}
