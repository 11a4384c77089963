package io.mongosteward.mongo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Builds the SSLContext of a {@link TlsMaterial} in memory: PKCS12 key stores loaded with null
 * (never a file), PEM certificates read by the JDK and PEM keys by BouncyCastle. Errors name the
 * part that is wrong, never its content.
 */
public final class TlsContexts {
  /** Guards only the in-memory key store, which never leaves this process. */
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private TlsContexts() {}

  /** A TLS material that cannot be used; the message names the part and never quotes it. */
  public static final class InvalidTlsMaterialException extends IllegalArgumentException {
    public InvalidTlsMaterialException(String message) {
      super(message);
    }
  }

  /**
   * @param what names the parts for messages, e.g. "Secret ns/mongo-ca key 'ca.crt'" for the CA
   * @throws InvalidTlsMaterialException when a part is not PEM of the expected kind
   */
  public static SSLContext build(TlsMaterial m, Names what) {
    try {
      TrustManager[] trust = m.insecureSkipVerify() ? new TrustManager[] {new TrustAll()}
          : m.caPem() != null ? trustManagers(certificates(m.caPem(), what.ca())) : null;
      KeyManager[] keys = null;
      if (m.hasClientCertificate()) {
        List<X509Certificate> chain = certificates(m.certPem(), what.cert());
        PrivateKey key = privateKey(m.keyPem(), what.key());
        requirePair(chain.get(0), key, what);
        keys = keyManagers(chain, key);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      // The JDK's message names algorithms, not content.
      throw new InvalidTlsMaterialException("cannot build a TLS context: " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    }
  }

  /** How to name the CA, the client certificate and its key in messages. */
  public record Names(String ca, String cert, String key) {}

  static List<X509Certificate> certificates(String pem, String what) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidTlsMaterialException(what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try {
      Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      read.forEach(c -> out.add((X509Certificate) c));
      if (out.isEmpty()) {
        throw new InvalidTlsMaterialException(what + " holds no PEM certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new InvalidTlsMaterialException(what + " is not valid PEM certificates (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /** A PEM private key: PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY). */
  static PrivateKey privateKey(String pem, String what) {
    Object read;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      read = parser.readObject();
      // An EC key may come after its parameters (openssl ecparam -genkey): skip them.
      while (read != null && !(read instanceof PEMKeyPair || read instanceof PrivateKeyInfo
          || read instanceof PEMEncryptedKeyPair || read instanceof PKCS8EncryptedPrivateKeyInfo)) {
        read = parser.readObject();
      }
    } catch (IOException | RuntimeException e) {
      // PEMParser's messages can quote the malformed text: say only what is wrong.
      throw new InvalidTlsMaterialException(what + " is not a PEM private key (" + e.getClass().getSimpleName() + ")");
    }
    if (read instanceof PEMEncryptedKeyPair || read instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new InvalidTlsMaterialException(what + " is an encrypted private key: give it unencrypted (a "
          + "kubernetes.io/tls Secret holds it so), e.g. openssl pkcs8 -topk8 -nocrypt");
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (read instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (read instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidTlsMaterialException(what + " is not a usable private key (" + e.getClass().getSimpleName()
          + ")");
    }
    throw new InvalidTlsMaterialException(what + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, "
        + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
  }

  /**
   * The key must be the certificate's: else the server refuses the handshake with no word on why
   * (and a certificate file rotated before its key file would go unnoticed).
   */
  private static void requirePair(X509Certificate cert, PrivateKey key, Names what) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      // The JDK's "EdDSA" signs with the key's own curve, Ed25519 or Ed448.
      case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return; // the handshake will tell
    }
    byte[] probe = "mongo-steward key pair check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      if (verify.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's: not a pair either
    }
    throw new InvalidTlsMaterialException(what.key() + " is not the private key of " + what.cert()
        + " (the first certificate there): give the key that belongs to it");
  }

  private static TrustManager[] trustManagers(List<X509Certificate> cas) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    return f.getTrustManagers();
  }

  private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(Certificate[]::new));
    KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    f.init(store, IN_MEMORY);
    return f.getKeyManagers();
  }

  /** A PKCS12 store loaded with null: in memory, never read from nor written to a file. */
  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  /**
   * insecureSkipVerify: any server certificate passes. Extended, so that the JDK does not wrap it in
   * its own host name check; the driver's is turned off by the caller.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
