package io.mongosteward.cli;

import java.util.regex.Pattern;

/**
 * Kubernetes' rule for a namespace's name (an RFC 1123 label). Checked at start, since a watch of a
 * name that cannot exist would wait forever on nothing.
 */
final class NamespaceName {
  static final String PROBLEM = "is not a namespace name: lowercase letters, digits and '-', starting and ending "
      + "with a letter or digit, at most 63 characters";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private NamespaceName() {}

  static boolean valid(String name) {
    return LABEL.matcher(name).matches();
  }
}
