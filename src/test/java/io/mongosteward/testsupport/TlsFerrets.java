package io.mongosteward.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The two TLS-only FerretDBs a TLS test class needs, started before its tests and stopped after:
 * {@link #open()} verifies nothing of the client, {@link #mutual()} requires a client certificate
 * signed by its CA. Register it with {@code @RegisterExtension static final TlsFerrets SERVERS}.
 */
public final class TlsFerrets implements BeforeAllCallback, AfterAllCallback {
  private TlsFerret open;
  private TlsFerret mutual;

  public TlsFerret open() {
    return open;
  }

  public TlsFerret mutual() {
    return mutual;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    open = TlsFerret.start(false);
    mutual = TlsFerret.start(true);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (open != null) open.close();
    if (mutual != null) mutual.close();
  }
}
