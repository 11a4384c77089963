package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client keys of both EdDSA curves: the key-pair check must sign with the key's own curve. */
class TlsContextsEdDsaTest {
  private static final TlsContexts.Names NAMES = new TlsContexts.Names("CA file", "cert file", "key file");

  @ParameterizedTest
  @ValueSource(strings = {"Ed25519", "Ed448"})
  void anEdDsaKeyIsAcceptedWithItsOwnCertificateAndRefusedWithAnother(String curve) throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance(curve).generateKeyPair();
    KeyPair other = KeyPairGenerator.getInstance(curve).generateKeyPair();
    String cert = pem(new JcaX509v3CertificateBuilder(new X500Name("CN=app"), BigInteger.ONE,
        Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
        new X500Name("CN=app"), keys.getPublic()).build(new JcaContentSignerBuilder(curve).build(keys.getPrivate())));

    assertThat(TlsContexts.build(new TlsMaterial(null, cert, pem(keys.getPrivate()), false), NAMES)).isNotNull();
    assertThat(catchThrowableOfType(TlsContexts.InvalidTlsMaterialException.class, () -> TlsContexts.build(
        new TlsMaterial(null, cert, pem(other.getPrivate()), false), NAMES)))
        .hasMessageContaining("key file is not the private key of cert file");
  }

  private static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
