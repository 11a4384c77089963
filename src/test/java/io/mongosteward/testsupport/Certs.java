package io.mongosteward.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/**
 * Certificates made in the test, never checked in: a CA, server certificates for 127.0.0.1 and
 * localhost, client certificates, as PEM. Keys are RSA 2048 unless asked for EC.
 */
public final class Certs {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key pair and its certificate, signed by {@code issuer} (or by itself for a CA). */
  public record Issued(String name, KeyPair keys, X509CertificateHolder cert) {
    public String certPem() {
      try {
        return pem(new JcaX509CertificateConverter().getCertificate(cert));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The private key as PKCS#8 (-----BEGIN PRIVATE KEY-----). */
    public String keyPkcs8Pem() {
      try {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The private key in its traditional form: PKCS#1 for RSA (BEGIN RSA PRIVATE KEY), SEC1 for EC
     * (BEGIN EC PRIVATE KEY) with its curve inside, as openssl writes it.
     */
    public String keyTraditionalPem() {
      if (!keys.getPrivate().getAlgorithm().equals("EC")) {
        return pem(keys.getPrivate());
      }
      // The JDK's encoding keeps the curve in PKCS#8's algorithm identifier only: put it in SEC1.
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
      try {
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
            info.parsePrivateKey());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
            info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
        return pem(new PemObject("EC PRIVATE KEY", sec1));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes cert.pem and key.pem (PKCS#8) under {@code dir}; returns dir. */
    public Path writeTo(Path dir) {
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cert.pem"), certPem());
        Files.writeString(dir.resolve("key.pem"), keyPkcs8Pem());
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Certs() {}

  public static Issued ca(String name) {
    KeyPair keys = rsa();
    return new Issued(name, keys, build(name, keys, null, b -> {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }));
  }

  /** What is wrong with a server certificate, for tests of the client's refusal. */
  public enum Flaw {
    /** Valid from an hour ago for two days, for 127.0.0.1 and localhost. */
    NONE,
    /** Its validity ended a day ago. */
    EXPIRED,
    /** Its validity starts tomorrow. */
    NOT_YET_VALID,
    /** Valid, but for db.example.net only: not the address the tests connect to. */
    WRONG_NAME
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  public static Issued server(Issued ca) {
    return server(ca, Flaw.NONE);
  }

  /** A server certificate with {@code flaw}. */
  public static Issued server(Issued ca, Flaw flaw) {
    KeyPair keys = rsa();
    Instant now = Instant.now();
    Instant from = switch (flaw) {
      case EXPIRED -> now.minus(Duration.ofDays(3));
      case NOT_YET_VALID -> now.plus(Duration.ofDays(1));
      default -> now.minus(Duration.ofHours(1));
    };
    Instant to = switch (flaw) {
      case EXPIRED -> now.minus(Duration.ofDays(1));
      case NOT_YET_VALID -> now.plus(Duration.ofDays(3));
      default -> now.plus(Duration.ofDays(2));
    };
    GeneralName[] names = flaw == Flaw.WRONG_NAME
        ? new GeneralName[] {new GeneralName(GeneralName.dNSName, "db.example.net")}
        : new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost")};
    return new Issued("server", keys, build(flaw == Flaw.WRONG_NAME ? "db.example.net" : "localhost", keys, ca,
        from, to, b -> {
          b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        }));
  }

  /** A client certificate; {@code ec} gives it a P-256 key instead of RSA. */
  public static Issued client(Issued ca, String name, boolean ec) {
    KeyPair keys = ec ? ec() : rsa();
    return new Issued(name, keys, build(name, keys, ca, b ->
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))));
  }

  private interface Extensions {
    void add(JcaX509v3CertificateBuilder b) throws IOException;
  }

  private static X509CertificateHolder build(String cn, KeyPair keys, Issued issuer, Extensions extensions) {
    Instant now = Instant.now();
    return build(cn, keys, issuer, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)), extensions);
  }

  private static X509CertificateHolder build(String cn, KeyPair keys, Issued issuer, Instant from, Instant to,
      Extensions extensions) {
    try {
      X500Name subject = new X500Name("CN=" + cn);
      X500Name issuerName = issuer == null ? subject : issuer.cert().getSubject();
      PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to),
          subject, keys.getPublic());
      extensions.add(b);
      String algorithm = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return b.build(new JcaContentSignerBuilder(algorithm).build(signer));
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
